/**
 * Minimal NX-OS configuration: hostname, SSH, a network-admin account with
 * a SHA-256 crypt password, and mgmt0 in the management VRF, or the
 * declared port (made a routed port) in the declared VRF.
 */
export const NXOS_MINIMAL_CONFIG_TEMPLATE = `{% set vrf = device.managementVrf or 'management' %}
{% set port = device.managementInterface or 'mgmt0' %}
hostname {{ device.hostname }}
feature ssh
username {{ account.username }} password 5 {{ account.passwordHash }}  role network-admin
vrf context {{ vrf }}
{% if device.defaultGateway %}
  ip route 0.0.0.0/0 {{ device.defaultGateway }}
{% endif %}
interface {{ port }}
{% if port != 'mgmt0' %}
  no switchport
{% endif %}
  vrf member {{ vrf }}
  ip address {{ device.managementIp }}/{{ device.prefixLength }}
  no shutdown
`;
