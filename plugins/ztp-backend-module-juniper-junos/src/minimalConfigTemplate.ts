/**
 * Minimal Junos configuration in curly-brace format (what a ZTP .conf file
 * holds): host name, root authentication (Junos refuses to commit without
 * it; the same generated password, until the final configuration sets
 * root's own), a super-user account with a SHA-512 crypt password, SSH, the
 * management port's address (em0, or the declared port: fxp0 on MX and
 * SRX) and a default route, in the management instance (mgmt_junos) when
 * the device declares it.
 */
export const JUNOS_MINIMAL_CONFIG_TEMPLATE = `{% set instance = device.managementVrf %}
system {
    host-name {{ device.hostname }};
    root-authentication {
        encrypted-password "{{ account.passwordHash }}";
    }
    login {
        user {{ account.username }} {
            class super-user;
            authentication {
                encrypted-password "{{ account.passwordHash }}";
            }
        }
    }
    services {
        ssh;
    }
{% if instance %}
    management-instance;
{% endif %}
}
interfaces {
    {{ device.managementInterface or 'em0' }} {
        unit 0 {
            family inet {
                address {{ device.managementIp }}/{{ device.prefixLength }};
            }
        }
    }
}
{% if device.defaultGateway and instance %}
routing-instances {
    {{ instance }} {
        routing-options {
            static {
                route 0.0.0.0/0 next-hop {{ device.defaultGateway }};
            }
        }
    }
}
{% elif device.defaultGateway %}
routing-options {
    static {
        route 0.0.0.0/0 next-hop {{ device.defaultGateway }};
    }
}
{% endif %}
`;
