/**
 * Minimal IOS XE configuration: hostname, a privilege 15 local account with
 * a type 9 secret, the management port in its VRF, and SSH-only vty lines.
 * A factory-default box has no RSA key, and SSH serves nothing without one:
 * the key is generated here (it needs a domain name first).
 * The port is Catalyst's GigabitEthernet0/0 in Mgmt-vrf unless the device
 * declares its own (an ASR 1000's GigabitEthernet0 in Mgmt-intf).
 */
export const IOSXE_MINIMAL_CONFIG_TEMPLATE = `{% set port = device.managementInterface or 'GigabitEthernet0/0' %}
{% set vrf = device.managementVrf or 'Mgmt-vrf' %}
hostname {{ device.hostname }}
!
username {{ account.username }} privilege 15 secret 9 {{ account.passwordHash }}
!
vrf definition {{ vrf }}
 address-family ipv4
 exit-address-family
!
interface {{ port }}
 vrf forwarding {{ vrf }}
 ip address {{ device.managementIp }} {{ device.prefixLength | netmask }}
 no shutdown
!
{% if device.defaultGateway %}
ip route vrf {{ vrf }} 0.0.0.0 0.0.0.0 {{ device.defaultGateway }}
{% endif %}
ip domain name ztp.invalid
crypto key generate rsa modulus 2048
ip ssh version 2
!
line vty 0 15
 login local
 transport input ssh
!
end
`;
