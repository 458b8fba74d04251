import { iosXeGrammar } from '../cisco-iosxe/grammar';
import { nxosGrammar } from '../cisco-nxos/grammar';
import { eosGrammar } from '../arista-eos/grammar';
import { ConfigInterpreter } from './ConfigInterpreter';
import { emptyConfig, flattenConfig } from './ConfigTree';

function feedAll(interpreter: ConfigInterpreter, lines: string[]) {
  return lines.map(l => interpreter.feed(l).kind);
}

describe('ConfigInterpreter (IOS grammar)', () => {
  it('expands abbreviations, enters sub-modes and falls back to enclosing modes', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(iosXeGrammar, root);
    expect(
      feedAll(it, [
        'int gi1/0/1',
        ' desc uplink',
        ' ip address 10.0.0.1 255.255.255.0',
        'ip route 0.0.0.0 0.0.0.0 10.0.0.254',
        'hostname core-1',
      ]),
    ).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // "ip route" is not an interface command: IOS leaves config-if for it.
    expect(it.promptSuffix).toBe('config');
    expect(flattenConfig(root, ' ')).toEqual([
      'interface GigabitEthernet1/0/1',
      ' description uplink',
      ' ip address 10.0.0.1 255.255.255.0',
      'ip route 0.0.0.0 0.0.0.0 10.0.0.254',
      'hostname core-1',
    ]);
  });

  it('replaces single-valued settings and removes "no" forms', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(iosXeGrammar, root);
    feedAll(it, [
      'hostname a',
      'hostname b',
      'interface Loopback0',
      ' description one',
      ' description two',
      'exit',
      'no interface Loopback0',
    ]);
    expect(flattenConfig(root, ' ')).toEqual(['hostname b']);
  });

  it('rejects bad syntax with the offset of the bad word', () => {
    const it = new ConfigInterpreter(iosXeGrammar, emptyConfig());
    expect(it.feed('interface GigabitEthernet0/0').kind).toBe('ok');
    expect(it.feed(' ip adress 1.2.3.4 255.0.0.0')).toMatchObject({
      kind: 'error',
      error: 'invalid',
      offset: 4,
    });
    expect(it.feed(' ip address 1.2.3.4/24')).toMatchObject({
      kind: 'error',
      offset: 12,
    });
    expect(it.feed('frobnicate')).toMatchObject({ kind: 'error', offset: 0 });
    expect(it.feed('username bob secret 9 not-a-hash')).toMatchObject({
      kind: 'error',
      error: 'invalid',
    });
  });

  it('reads delimited banners over several lines', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(iosXeGrammar, root);
    expect(it.feed('banner motd ^C').kind).toBe('text');
    expect(it.readingText).toBe(true);
    it.feed('Lab switch');
    it.feed('^C');
    expect(it.readingText).toBe(false);
    expect(root.children[0].line).toBe('banner motd ^CLab switch^C');
  });
});

describe('platform grammars', () => {
  it('NX-OS needs a feature before its protocol and keeps "no shutdown"', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(nxosGrammar, root);
    expect(it.feed('router bgp 65000')).toMatchObject({
      kind: 'error',
      offset: 7,
    });
    expect(feedAll(it, ['feature bgp', 'router bgp 65000', 'exit'])).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
    feedAll(it, [
      'interface mgmt0',
      '  ip address 10.1.1.1 255.255.255.0',
      '  no shutdown',
    ]);
    expect(flattenConfig(root, '  ')).toContain('  ip address 10.1.1.1/24');
    expect(flattenConfig(root, '  ')).toContain('  no shutdown');
  });

  it('EOS takes prefixes only and names interface modes after the port', () => {
    const it = new ConfigInterpreter(eosGrammar, emptyConfig());
    expect(it.feed('interface Et1').kind).toBe('ok');
    expect(it.promptSuffix).toBe('config-if-Et1');
    expect(it.feed('   ip address 10.0.0.1 255.255.255.0').kind).toBe('error');
    expect(it.feed('   ip address 10.0.0.1/24').kind).toBe('ok');
    expect(it.feed('management ssh').kind).toBe('ok');
    expect(it.promptSuffix).toBe('config-mgmt-ssh');
  });
});
