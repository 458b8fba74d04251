import {
  displaySet,
  parseJunosConfig,
  renderJunosConfig,
  type JunosConfig,
} from './JunosConfig';
import {
  applyDelete,
  applySet,
  tokenizeJunosCommand,
  type CommandWord,
} from './JunosSetCommands';
import { formatLoadError, validateJunos } from './schema';

function parse(text: string): JunosConfig {
  const result = parseJunosConfig(text);
  if ('error' in result) throw new Error(formatLoadError(result.error));
  return result.config;
}

/** The words after "set"/"delete" of a command line. */
function path(line: string): CommandWord[] {
  const words = tokenizeJunosCommand(line);
  if ('error' in words) throw new Error(words.error);
  return words.slice(1);
}

function set(config: JunosConfig, line: string): JunosConfig {
  const result = applySet(config, path(line));
  if ('error' in result) throw new Error(formatLoadError(result.error));
  return result.config;
}

const BASE = parse(`system {
    host-name edge-01;
    login {
        user ztp-1a2b3c {
            class super-user;
            authentication {
                encrypted-password "$6$abc$def";
            }
        }
        user ops {
            class super-user;
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
                address 127.0.10.14/24;
            }
        }
    }
}`);

describe('Junos set and delete', () => {
  it('splits commands into words, with quoted values and lists', () => {
    expect(
      tokenizeJunosCommand(
        'set system login message "Authorised use only" permissions [ view  "clear" ]',
      ),
    ).toEqual([
      { text: 'set', start: 0 },
      { text: 'system', start: 4 },
      { text: 'login', start: 11 },
      { text: 'message', start: 17 },
      { text: 'Authorised use only', start: 25 },
      { text: 'permissions', start: 47 },
      { text: '[ view clear ]', start: 59 },
    ]);
    expect(tokenizeJunosCommand('set system host-name "edge')).toEqual({
      error: 'unterminated string',
      start: 21,
    });
  });

  it('creates statements and the blocks above them, as load would', () => {
    let config = set(
      BASE,
      'set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.1/31',
    );
    config = set(config, 'set interfaces ge-0/0/1 description "to spine"');
    config = set(config, 'set system host-name edge-02');
    config = set(config, 'set system services ssh root-login deny');
    config = set(
      config,
      'set routing-options static route 0.0.0.0/0 next-hop 192.0.2.0',
    );
    config = set(config, 'set system login class NETRO permissions view');
    config = set(
      config,
      'set system login class NETRO permissions view-configuration',
    );
    config = set(
      config,
      'set interfaces irb unit 10 family inet address 192.0.2.65/27',
    );
    config = set(
      config,
      'set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 110',
    );
    config = set(
      config,
      'set security zones security-zone trust interfaces ge-0/0/1.0 host-inbound-traffic system-services ping',
    );

    const same = parse(`system {
    host-name edge-02;
    login {
        user ztp-1a2b3c {
            class super-user;
            authentication {
                encrypted-password "$6$abc$def";
            }
        }
        user ops {
            class super-user;
        }
        class NETRO {
            permissions [ view view-configuration ];
        }
    }
    services {
        ssh {
            root-login deny;
        }
    }
}
interfaces {
    em0 {
        unit 0 {
            family inet {
                address 127.0.10.14/24;
            }
        }
    }
    ge-0/0/1 {
        unit 0 {
            family inet {
                address 192.0.2.1/31;
            }
        }
        description "to spine";
    }
    irb {
        unit 10 {
            family inet {
                address 192.0.2.65/27;
            }
        }
    }
    ge-0/0/2 {
        unit 0 {
            family ethernet-switching {
                vlan {
                    members 110;
                }
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop 192.0.2.0;
    }
}
security {
    zones {
        security-zone trust {
            interfaces {
                ge-0/0/1.0 {
                    host-inbound-traffic {
                        system-services {
                            ping;
                        }
                    }
                }
            }
        }
    }
}`);
    expect(renderJunosConfig(config)).toEqual(renderJunosConfig(same));
    expect(validateJunos(config)).toEqual([]);
    // The input is not changed: the candidate is replaced as a whole.
    expect(displaySet(BASE)).toContain('set system host-name edge-01');
  });

  it('refuses statements the schema rejects, naming where', () => {
    const unknown = applySet(BASE, path('set system bogus-statement 1'));
    expect(unknown).toMatchObject({
      start: 11,
      error: { token: 'bogus-statement', message: 'syntax error' },
    });
    expect(applySet(BASE, path('set frobnicate widgets'))).toMatchObject({
      start: 4,
      error: { token: 'frobnicate' },
    });
    const badAddress = applySet(
      BASE,
      path('set interfaces em0 unit 0 family inet address 198.18.0.1/33'),
    );
    expect('error' in badAddress && badAddress.error.message).toBe(
      "invalid prefix: '198.18.0.1/33'",
    );
    expect(
      applySet(BASE, path('set interfaces eth0 description x')),
    ).toMatchObject({ start: 15, error: { token: 'eth0' } });
  });

  it('deletes a statement and everything below it', () => {
    const result = applyDelete(
      BASE,
      path('delete system login user ztp-1a2b3c'),
    );
    expect('config' in result && result.config).toBeTruthy();
    const config = (result as { config: JunosConfig }).config;
    const lines = displaySet(config);
    expect(lines).not.toContainEqual(expect.stringContaining('ztp-1a2b3c'));
    expect(lines).toContain('set system login user ops class super-user');

    const hostname = applyDelete(BASE, path('delete system host-name'));
    expect(
      displaySet((hostname as { config: JunosConfig }).config),
    ).not.toContainEqual(expect.stringContaining('host-name'));

    // The last statement of a block takes the block with it.
    const noSsh = applyDelete(BASE, path('delete system services ssh'));
    expect(
      renderJunosConfig((noSsh as { config: JunosConfig }).config).join('\n'),
    ).not.toContain('services');

    expect(applyDelete(BASE, path('delete system login user nobody'))).toEqual({
      config: undefined,
    });
    expect(applyDelete(BASE, path('delete bogus'))).toMatchObject({
      start: 7,
      error: { token: 'bogus' },
    });
  });
});
