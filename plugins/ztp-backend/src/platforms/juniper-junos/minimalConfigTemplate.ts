/**
 * Minimal Junos configuration in curly-brace format (what a ZTP .conf file
 * holds): host name, root authentication (Junos refuses to commit without
 * it; the same generated password, until the final configuration sets
 * root's own), a super-user account with a SHA-512 crypt password, SSH, the
 * em0 address and a default route.
 */
export const JUNOS_MINIMAL_CONFIG_TEMPLATE = `system {
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
}
interfaces {
    em0 {
        unit 0 {
            family inet {
                address {{ device.managementIp }}/{{ device.prefixLength }};
            }
        }
    }
}
{% if device.defaultGateway %}
routing-options {
    static {
        route 0.0.0.0/0 next-hop {{ device.defaultGateway }};
    }
}
{% endif %}
`;
