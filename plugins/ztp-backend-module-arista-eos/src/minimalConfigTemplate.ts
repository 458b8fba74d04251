/**
 * Minimal EOS configuration: hostname, a network-admin account with a
 * SHA-512 crypt secret, SSH, and the Management1 address (or the declared
 * port's), in the default VRF unless the device declares a management VRF;
 * SSH then listens in that VRF. Without "aaa authorization exec default
 * local" a login lands unprivileged (">"), whatever the user's privilege.
 */
export const EOS_MINIMAL_CONFIG_TEMPLATE = `{% set port = device.managementInterface or 'Management1' %}
{% set vrf = device.managementVrf %}
hostname {{ device.hostname }}
username {{ account.username }} privilege 15 role network-admin secret sha512 {{ account.passwordHash }}
aaa authorization exec default local
{% if vrf %}
vrf instance {{ vrf }}
{% endif %}
management ssh
   no shutdown
{% if vrf %}
   vrf {{ vrf }}
      no shutdown
{% endif %}
interface {{ port }}
{% if vrf %}
   vrf {{ vrf }}
{% endif %}
   ip address {{ device.managementIp }}/{{ device.prefixLength }}
   no shutdown
{% if device.defaultGateway %}
ip route {% if vrf %}vrf {{ vrf }} {% endif %}0.0.0.0/0 {{ device.defaultGateway }}
{% endif %}
end
`;
