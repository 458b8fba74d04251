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
        ' ip address 198.18.0.1 255.255.255.0',
        'ip route 0.0.0.0 0.0.0.0 198.18.0.254',
        'hostname core-1',
      ]),
    ).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // "ip route" is not an interface command: IOS leaves config-if for it.
    expect(it.promptSuffix).toBe('config');
    expect(flattenConfig(root, ' ')).toEqual([
      'interface GigabitEthernet1/0/1',
      ' description uplink',
      ' ip address 198.18.0.1 255.255.255.0',
      'ip route 0.0.0.0 0.0.0.0 198.18.0.254',
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
      '  ip address 198.18.1.1 255.255.255.0',
      '  no shutdown',
    ]);
    expect(flattenConfig(root, '  ')).toContain('  ip address 198.18.1.1/24');
    expect(flattenConfig(root, '  ')).toContain('  no shutdown');
  });

  it('EOS takes prefixes only and names interface modes after the port', () => {
    const it = new ConfigInterpreter(eosGrammar, emptyConfig());
    expect(it.feed('interface Et1').kind).toBe('ok');
    expect(it.promptSuffix).toBe('config-if-Et1');
    expect(it.feed('   ip address 198.18.0.1 255.255.255.0').kind).toBe(
      'error',
    );
    expect(it.feed('   ip address 198.18.0.1/24').kind).toBe('ok');
    expect(it.feed('management ssh').kind).toBe('ok');
    expect(it.promptSuffix).toBe('config-mgmt-ssh');
  });
});

describe('lines of final configurations, as the real CLIs take them', () => {
  it('IOS: an exact keyword of an enclosing mode wins over an abbreviation', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(iosXeGrammar, root);
    expect(
      feedAll(it, [
        'router ospf 1',
        ' router-id 198.51.100.53',
        // "router" abbreviates "router-id" here, but is a global keyword.
        'router bgp 65210',
        ' bgp router-id 198.51.100.53',
      ]),
    ).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(flattenConfig(root, ' ')).toEqual([
      'router ospf 1',
      ' router-id 198.51.100.53',
      'router bgp 65210',
      ' bgp router-id 198.51.100.53',
    ]);
    // Abbreviations still work where nothing matches exactly.
    expect(feedAll(it, ['router ospf 1', ' router-i 198.51.100.54'])).toEqual([
      'ok',
      'ok',
    ]);
    expect(flattenConfig(root, ' ')[1]).toBe(' router-id 198.51.100.54');
  });

  it('IOS: global settings that are off by default, server groups and login rules', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(iosXeGrammar, root);
    expect(
      feedAll(it, [
        'no ip bootp server',
        'login block-for 120 attempts 5 within 60',
        'login on-failure log',
        'tacacs server TACACS-1',
        ' address ipv4 198.51.100.140',
        ' key 7 0A1B2C3D4E',
        'aaa group server tacacs+ TACACS',
        ' server name TACACS-1',
        // "ip" is a global keyword too, but this is the group's command.
        ' ip vrf forwarding Mgmt-vrf',
      ]),
    ).toEqual(Array(9).fill('ok'));
    expect(it.promptSuffix).toBe('config-sg-tacacs+');
    expect(flattenConfig(root, ' ')).toEqual([
      'login block-for 120 attempts 5 within 60',
      'login on-failure log',
      'tacacs server TACACS-1',
      ' address ipv4 198.51.100.140',
      ' key 7 0A1B2C3D4E',
      'aaa group server tacacs+ TACACS',
      ' server name TACACS-1',
      ' ip vrf forwarding Mgmt-vrf',
    ]);
  });

  it('EOS: autostate, and "mlag configuration" typed in an interface leaves it', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(eosGrammar, root);
    expect(
      feedAll(it, [
        'interface Vlan4094',
        '   no autostate',
        '   ip address 192.0.2.98/31',
        'mlag configuration',
        '   domain-id 11',
        '   peer-link Port-Channel1000',
        'interface Port-Channel10',
        '   mlag 10',
      ]),
    ).toEqual(Array(8).fill('ok'));
    expect(flattenConfig(root, '   ')).toEqual([
      'interface Vlan4094',
      '   no autostate',
      '   ip address 192.0.2.98/31',
      'mlag configuration',
      '   domain-id 11',
      '   peer-link Port-Channel1000',
      'interface Port-Channel10',
      '   mlag 10',
    ]);
    // An interface takes an MLAG id only.
    expect(it.feed('   mlag ten')).toMatchObject({ kind: 'error' });
    expect(it.feed('   domain-id 12')).toMatchObject({ kind: 'error' });
  });

  it('EOS: "ip prefix-list NAME" enters the prefix-list mode', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(eosGrammar, root);
    expect(
      feedAll(it, [
        'ip prefix-list OWN-PREFIXES',
        '   seq 10 permit 192.0.2.0/24 le 32',
        'ip prefix-list LOOPBACKS seq 10 permit 198.51.100.0/24 ge 32',
      ]),
    ).toEqual(['ok', 'ok', 'ok']);
    expect(flattenConfig(root, '   ')).toEqual([
      'ip prefix-list OWN-PREFIXES',
      '   seq 10 permit 192.0.2.0/24 le 32',
      'ip prefix-list LOOPBACKS seq 10 permit 198.51.100.0/24 ge 32',
    ]);
    expect(it.feed('ip prefix-list OWN-PREFIXES').kind).toBe('ok');
    expect(it.promptSuffix).toBe('config-ip-pfx');
    expect(it.feed('   seq 20 permit 192.0.2.0')).toMatchObject({
      kind: 'error',
      offset: 17,
    });
    expect(it.feed('   seq 20 allow 192.0.2.0/24')).toMatchObject({
      kind: 'error',
      offset: 10,
    });
  });

  it('NX-OS: vPC domain and line commands stay in their modes', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(nxosGrammar, root);
    expect(
      feedAll(it, [
        'feature vpc',
        'feature interface-vlan',
        'interface Vlan3967',
        '  ip address 192.0.2.96/31',
        // "vpc" in an interface takes a number: this is the global command.
        'vpc domain 10',
        // "role" and "ip" are global keywords too.
        '  role priority 100',
        '  peer-keepalive destination 192.0.2.97 source 192.0.2.96 vrf vpc-keepalive',
        '  ip arp synchronize',
        'line vty',
        '  access-class MGMT-SSH in',
        '  ip access-class MGMT-SSH in',
      ]),
    ).toEqual(Array(11).fill('ok'));
    expect(flattenConfig(root, '  ').slice(2)).toEqual([
      'interface Vlan3967',
      '  ip address 192.0.2.96/31',
      'vpc domain 10',
      '  role priority 100',
      '  peer-keepalive destination 192.0.2.97 source 192.0.2.96 vrf vpc-keepalive',
      '  ip arp synchronize',
      'line vty',
      '  access-class MGMT-SSH in',
      '  ip access-class MGMT-SSH in',
    ]);
    expect(it.feed('  role primary')).toMatchObject({ kind: 'error' });
  });

  it('NX-OS: BGP neighbors and address families nest', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(nxosGrammar, root);
    const lines = [
      'feature bgp',
      'router bgp 65101',
      '  router-id 198.51.100.11',
      '  address-family ipv4 unicast',
      '    maximum-paths 4',
      '  neighbor 203.0.113.0',
      '    remote-as 65100',
      '    description spine-01',
      '    address-family ipv4 unicast',
      '      route-map FROM-SPINES in',
      '      send-community',
      '  neighbor 203.0.113.2',
      '    remote-as 65100',
      '    description spine-02',
      '    address-family ipv4 unicast',
      '      route-map FROM-SPINES in',
      '      send-community',
    ];
    // Pasted without indentation, as a push sends it.
    expect(
      feedAll(
        it,
        lines.map(l => l.trim()),
      ),
    ).toEqual(Array(lines.length).fill('ok'));
    expect(it.promptSuffix).toBe('config-router-neighbor-af');
    expect(flattenConfig(root, '  ')).toEqual(lines);
  });

  it('free-form modes keep a line an enclosing mode would refuse', () => {
    const root = emptyConfig();
    const it = new ConfigInterpreter(nxosGrammar, root);
    expect(
      feedAll(it, [
        'feature ospf',
        'router ospf 1',
        // Global "vrf" needs "context": this is the OSPF VRF.
        '  vrf BLUE',
        // Global "bfd" exists: OSPF has its own.
        '  bfd',
        'hostname leaf-01',
      ]),
    ).toEqual(Array(5).fill('ok'));
    expect(flattenConfig(root, '  ').slice(1)).toEqual([
      'router ospf 1',
      '  vrf BLUE',
      '  bfd',
      'hostname leaf-01',
    ]);
  });
});
