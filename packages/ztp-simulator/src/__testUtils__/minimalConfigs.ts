import { hashCiscoType9 } from '../crypto/ciscoType9';
import { shaCrypt } from '../crypto/shaCrypt';

/**
 * Minimal configurations exactly as the backend renders them (see the ZTP
 * contract), with a real hash of `password`.
 */
export async function minimalConfig(
  platform: string,
  v: {
    hostname: string;
    username: string;
    password: string;
    ip: string;
    gateway?: string;
  },
): Promise<string> {
  const gw = v.gateway ?? v.ip.replace(/\.\d+$/, '.1');
  switch (platform) {
    case 'cisco-iosxe':
      return `hostname ${v.hostname}
!
username ${v.username} privilege 15 secret 9 ${await hashCiscoType9(v.password)}
!
vrf definition Mgmt-vrf
 address-family ipv4
 exit-address-family
!
interface GigabitEthernet0/0
 vrf forwarding Mgmt-vrf
 ip address ${v.ip} 255.255.255.0
 no shutdown
!
ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 ${gw}
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
    case 'cisco-nxos':
      return `hostname ${v.hostname}
feature ssh
username ${v.username} password 5 ${shaCrypt(
        v.password,
        '$5$Qm9vQ2F0',
      )}  role network-admin
vrf context management
  ip route 0.0.0.0/0 ${gw}
interface mgmt0
  vrf member management
  ip address ${v.ip}/24
  no shutdown
`;
    case 'arista-eos':
      return `hostname ${v.hostname}
username ${v.username} privilege 15 role network-admin secret sha512 ${shaCrypt(
        v.password,
        '$6$c2FsdHNhbHQ',
      )}
aaa authorization exec default local
management ssh
   no shutdown
interface Management1
   ip address ${v.ip}/24
   no shutdown
ip route 0.0.0.0/0 ${gw}
end
`;
    default:
      return `system {
    host-name ${v.hostname};
    root-authentication {
        encrypted-password "${shaCrypt(v.password, '$6$cm9vdHNhbHQ')}";
    }
    login {
        user ${v.username} {
            class super-user;
            authentication {
                encrypted-password "${shaCrypt(v.password, '$6$anVub3NzYWx0')}";
            }
        }
    }
    services {
        ssh;
    }
}
interfaces {
    em0 {
        unit 0 {
            family inet {
                address ${v.ip}/24;
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop ${gw};
    }
}
`;
  }
}
