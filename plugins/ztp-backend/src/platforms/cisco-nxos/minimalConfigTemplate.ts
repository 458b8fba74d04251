/**
 * Minimal NX-OS configuration: hostname, SSH, a network-admin account with
 * a SHA-256 crypt password, and mgmt0 in the management VRF.
 */
export const NXOS_MINIMAL_CONFIG_TEMPLATE = `hostname {{ device.hostname }}
feature ssh
username {{ account.username }} password 5 {{ account.passwordHash }}  role network-admin
vrf context management
{% if device.defaultGateway %}
  ip route 0.0.0.0/0 {{ device.defaultGateway }}
{% endif %}
interface mgmt0
  vrf member management
  ip address {{ device.managementIp }}/{{ device.prefixLength }}
  no shutdown
`;
