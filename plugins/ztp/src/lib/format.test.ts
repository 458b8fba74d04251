import { describeError, formatRelativeTime, sshCommand } from './format';

describe('sshCommand', () => {
  it('adds -p only for a port other than 22', () => {
    expect(
      sshCommand({ managementIp: '127.0.10.11', sshPort: 22 }, 'ztp-1'),
    ).toBe('ssh ztp-1@127.0.10.11');
    expect(
      sshCommand({ managementIp: '127.0.10.11', sshPort: 2222 }, 'ztp-1'),
    ).toBe('ssh -p 2222 ztp-1@127.0.10.11');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-01-10T10:00:00.000Z');
  it.each([
    ['2026-01-10T09:59:55.000Z', 'just now'],
    ['2026-01-10T09:59:30.000Z', '30 seconds ago'],
    ['2026-01-10T09:57:00.000Z', '3 minutes ago'],
    ['2026-01-10T08:00:00.000Z', '2 hours ago'],
    ['2026-01-09T10:00:00.000Z', 'yesterday'],
  ])('says %s is %s', (iso, words) => {
    expect(formatRelativeTime(iso, now)).toBe(words);
  });

  it('leaves a malformed time as it is', () => {
    expect(formatRelativeTime('soon', now)).toBe('soon');
  });
});

describe('describeError', () => {
  it('uses the message of a plain error', () => {
    expect(describeError(new Error('socket hang up'))).toBe('socket hang up');
    expect(describeError('boom')).toBe('boom');
  });
});
