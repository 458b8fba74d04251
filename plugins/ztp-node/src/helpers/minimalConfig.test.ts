import { netmask, renderMinimalConfig } from './minimalConfig';
import { cliLines, isRejected, looksLikeSerial } from './output';

const device = {
  entityRef: 'resource:default/leaf-01',
  name: 'leaf-01',
  hostname: 'leaf-01',
  platform: 'cisco-iosxe',
  managementIp: '127.0.10.11',
  prefixLength: 24,
  expectedSerial: 'FOC1',
};

describe('netmask', () => {
  it.each([
    [0, '0.0.0.0'],
    [8, '255.0.0.0'],
    [23, '255.255.254.0'],
    [30, '255.255.255.252'],
    [32, '255.255.255.255'],
  ])('/%d is %s', (length, mask) => {
    expect(netmask(length)).toBe(mask);
  });

  it('rejects what is not a prefix length', () => {
    expect(() => netmask(33)).toThrow('"33" is not an IPv4 prefix length');
  });
});

describe('renderMinimalConfig', () => {
  it('offers the netmask filter and device.netmask, without escaping', () => {
    const text = renderMinimalConfig(
      {
        minimalConfigTemplate:
          '{{ device.prefixLength | netmask }} {{ device.netmask }} {{ account.passwordHash }}',
      },
      device,
      { username: 'u', passwordHash: '$6$a&b<c>$"x"' },
    );
    expect(text).toBe('255.255.255.0 255.255.255.0 $6$a&b<c>$"x"');
  });

  it('fails on an undefined variable instead of rendering an empty value', () => {
    expect(() =>
      renderMinimalConfig(
        { minimalConfigTemplate: 'route {{ device.defaultGateway }}' },
        device,
        { username: 'u', passwordHash: 'h' },
      ),
    ).toThrow(/undefined/);
  });
});

describe('output helpers', () => {
  it('cleans raw captures into lines', () => {
    expect(
      cliLines('a\r\nb ---(more 42%)---\r\n --More-- c\r\n\x1b[1md\x1b[0m  '),
    ).toEqual(['a', 'b', ' c', 'd']);
  });

  it('recognises rejected commands', () => {
    const pattern = /^% ?Invalid/;
    expect(isRejected("% Invalid input detected at '^' marker.", pattern)).toBe(
      true,
    );
    expect(isRejected('all good', pattern)).toBe(false);
    expect(isRejected('anything', undefined)).toBe(false);
  });

  it.each([
    ['FOC2236Y1AB', true],
    ['9KXG7Q1M2ZD', true],
    ['N/A', false],
    ['BUILTIN', false],
    ['', false],
    ['-ABC', false],
  ])('looksLikeSerial(%j) is %s', (value, expected) => {
    expect(looksLikeSerial(value)).toBe(expected);
  });
});
