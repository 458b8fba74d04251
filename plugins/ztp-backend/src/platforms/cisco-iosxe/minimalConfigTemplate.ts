/**
 * Minimal IOS XE configuration: hostname, a privilege 15 local account with
 * a type 9 secret, the management port in Mgmt-vrf, and SSH-only vty lines.
 */
export const IOSXE_MINIMAL_CONFIG_TEMPLATE = `hostname {{ device.hostname }}
!
username {{ account.username }} privilege 15 secret 9 {{ account.passwordHash }}
!
vrf definition Mgmt-vrf
 address-family ipv4
 exit-address-family
!
interface GigabitEthernet0/0
 vrf forwarding Mgmt-vrf
 ip address {{ device.managementIp }} {{ device.prefixLength | netmask }}
 no shutdown
!
{% if device.defaultGateway %}
ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 {{ device.defaultGateway }}
{% endif %}
ip ssh version 2
!
line vty 0 15
 login local
 transport input ssh
!
end
`;
