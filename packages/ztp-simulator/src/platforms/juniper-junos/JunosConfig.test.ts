import {
  compareJunos,
  displaySet,
  mergeJunos,
  parseJunosConfig,
  renderJunosConfig,
  type JunosConfig,
} from './JunosConfig';
import { commitProblems, formatLoadError, validateJunos } from './schema';

function parse(text: string): JunosConfig {
  const result = parseJunosConfig(text);
  if ('error' in result) throw new Error(formatLoadError(result.error));
  return result.config;
}

const BASE = `system {
    host-name edge-01;
    login {
        user ops {
            class super-user;
            authentication {
                encrypted-password "$6$abc$def"; ## SECRET-DATA
            }
        }
    }
    services {
        ssh;
    }
}
/* management */
interfaces {
    em0 {
        unit 0 {
            family inet {
                address 127.0.10.14/24;
            }
        }
    }
}
`;

describe('Junos configuration model', () => {
  it('reads and shows curly-brace configurations', () => {
    const config = parse(BASE);
    expect(renderJunosConfig(config).join('\n')).toContain(
      '            class super-user;',
    );
    expect(displaySet(config)).toEqual([
      'set system host-name edge-01',
      'set system login user ops class super-user',
      'set system login user ops authentication encrypted-password "$6$abc$def"',
      'set system services ssh',
      'set interfaces em0 unit 0 family inet address 127.0.10.14/24',
    ]);
    expect(validateJunos(config)).toEqual([]);
  });

  it('merges like load merge and shows differences like show | compare', () => {
    const base = parse(BASE);
    const incoming =
      parse(`system { host-name edge-02; ntp { server 198.18.0.1; } }
interfaces { ge-0/0/0 { description uplink; } }`);
    const merged = mergeJunos(base, incoming, false);
    expect(displaySet(merged)).toContain('set system host-name edge-02');
    expect(displaySet(merged)).toContain('set system services ssh');
    expect(compareJunos(base, merged)).toBe(
      [
        '[edit system]',
        '-  host-name edge-01;',
        '+  host-name edge-02;',
        '+  ntp {',
        '+      server 198.18.0.1;',
        '+  }',
        '[edit interfaces]',
        '+  ge-0/0/0 {',
        '+      description uplink;',
        '+  }',
        '',
      ].join('\n'),
    );
  });

  it('replaces tagged statements on load replace', () => {
    const base = parse(BASE);
    const incoming = parse('system { replace: services { netconf; } }');
    const out = displaySet(mergeJunos(base, incoming, true));
    expect(out).toContain('set system services netconf');
    expect(out).not.toContain('set system services ssh');
  });

  it('reports syntax errors with their position and hierarchy', () => {
    const result = parseJunosConfig('system {\n    host-name x\n}\n');
    expect('error' in result && result.error).toMatchObject({
      line: 3,
      column: 1,
    });
    const unknown = validateJunos(
      parse('system {\n    bogus-statement 1;\n}\n'),
    );
    expect(formatLoadError(unknown[0])).toBe(
      [
        'terminal:2:(5) syntax error: bogus-statement',
        '  [edit system]',
        "    'bogus-statement 1;'",
        '      syntax error',
      ].join('\n'),
    );
    expect(
      validateJunos(
        parse(
          'interfaces { em0 { unit 0 { family inet { address 198.18.0.1/33; } } } }',
        ),
      ),
    ).toHaveLength(1);
    expect(
      validateJunos(parse('interfaces { eth0 { unit 0; } }'))[0].token,
    ).toBe('eth0');
  });

  it('knows the interfaces that have no number, such as irb', () => {
    expect(
      validateJunos(
        parse(
          'interfaces { irb { unit 10 { family inet { address 192.0.2.1/27; } } } vme { unit 0; } }',
        ),
      ),
    ).toEqual([]);
    expect(
      validateJunos(parse('interfaces { irb0x { unit 0; } }'))[0].token,
    ).toBe('irb0x');
  });

  it('finds missing mandatory statements at commit', () => {
    const problems = commitProblems(
      parse(
        'system { root-authentication { encrypted-password "$6$x$y"; } login { user bob { uid 2001; } } }',
      ),
    );
    expect(problems[0]).toContain("Missing mandatory statement: 'class'");
  });

  it('refuses a commit without root authentication, as Junos does', () => {
    for (const text of [
      'system { host-name a; }',
      'system { root-authentication; }',
      'interfaces { em0 { unit 0; } }',
    ]) {
      expect(commitProblems(parse(text))).toEqual([
        "[edit]\n  'system'\n    Missing mandatory statement: 'root-authentication'",
      ]);
    }
    expect(
      commitProblems(
        parse(
          'system { root-authentication { encrypted-password "$6$x$y"; } }',
        ),
      ),
    ).toEqual([]);
  });
});
