/**
 * Minimal EOS configuration: hostname, a network-admin account with a
 * SHA-512 crypt secret, SSH, and the Management1 address.
 */
export const EOS_MINIMAL_CONFIG_TEMPLATE = `hostname {{ device.hostname }}
username {{ account.username }} privilege 15 role network-admin secret sha512 {{ account.passwordHash }}
management ssh
   no shutdown
interface Management1
   ip address {{ device.managementIp }}/{{ device.prefixLength }}
   no shutdown
{% if device.defaultGateway %}
ip route 0.0.0.0/0 {{ device.defaultGateway }}
{% endif %}
end
`;
