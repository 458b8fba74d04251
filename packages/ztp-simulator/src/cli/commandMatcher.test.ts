import { CommandMatcher } from './commandMatcher';
import { unifiedDiff } from './lineDiff';

describe('CommandMatcher', () => {
  const matcher = new CommandMatcher<string>([
    { pattern: 'show version', value: 'version' },
    { pattern: 'show vlan', value: 'vlan' },
    { pattern: 'show running-config', value: 'run' },
    { pattern: 'terminal length <n>', value: 'length' },
    { pattern: 'configure [terminal]', value: 'configure' },
    { pattern: 'copy <from> <to>', value: 'copy' },
  ]);

  it('accepts unambiguous abbreviations and fills arguments', () => {
    expect(matcher.match('sh run')).toMatchObject({ kind: 'ok', value: 'run' });
    expect(matcher.match('term len 0')).toMatchObject({
      kind: 'ok',
      value: 'length',
      args: { n: '0' },
    });
    expect(matcher.match('conf t')).toMatchObject({
      kind: 'ok',
      value: 'configure',
    });
    expect(matcher.match('configure')).toMatchObject({
      kind: 'ok',
      value: 'configure',
    });
    expect(matcher.match('copy running-config flash:a.cfg')).toMatchObject({
      kind: 'ok',
      args: { from: 'running-config', to: 'flash:a.cfg' },
    });
  });

  it('says where a line goes wrong', () => {
    expect(matcher.match('show v')).toEqual({
      kind: 'ambiguous',
      offset: 5,
      token: 'v',
    });
    expect(matcher.match('show foo')).toEqual({
      kind: 'invalid',
      offset: 5,
      token: 'foo',
    });
    expect(matcher.match('show')).toEqual({ kind: 'incomplete', offset: 4 });
    expect(matcher.match('show version extra')).toMatchObject({
      kind: 'invalid',
      offset: 13,
    });
  });
});

describe('unifiedDiff', () => {
  it('prints hunks with context like diff -u', () => {
    const before = ['a', 'b', 'c', 'd', 'e'];
    const after = ['a', 'b', 'C', 'd', 'e', 'f'];
    expect(unifiedDiff(before, after, 'x', 'y')).toBe(
      '--- x\n+++ y\n@@ -1,5 +1,6 @@\n a\n b\n-c\n+C\n d\n e\n+f\n',
    );
    expect(unifiedDiff(before, before, 'x', 'y')).toBe('');
  });
});
