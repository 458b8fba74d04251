import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heapGrowth';

jest.setTimeout(120_000);

const CHILD = path.join(__dirname, '__testUtils__', 'heapChurn.ts');
const TS_LOADER = require.resolve('@backstage/cli/config/nodeTransform.cjs');

async function peakOldSpaceMb(limit: boolean): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', TS_LOADER, CHILD, ...(limit ? ['limit'] : [])],
    { env: { ...process.env, ZTP_HEAP_GROWING_PERCENT: '' } },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!).peakMb;
}

describe('limitHeapGrowth', () => {
  it('keeps a heap full of dying objects near its live size', async () => {
    const unlimited = await peakOldSpaceMb(false);
    const limited = await peakOldSpaceMb(true);
    // About 40 MB live: V8's own choice let the old space reach 365 MB
    // here, 145 MB with the limit (V8 never sets it below about 128 MB).
    expect(limited).toBeLessThan(unlimited * 0.6);
  });

  it('takes its percentage from the environment, 0 leaving it to V8', () => {
    expect(limitHeapGrowth({ ZTP_HEAP_GROWING_PERCENT: '0' })).toBeUndefined();
    expect(limitHeapGrowth({ ZTP_HEAP_GROWING_PERCENT: '40' })).toBe(40);
    expect(limitHeapGrowth({})).toBe(HEAP_GROWING_PERCENT);
  });

  it('refuses a percentage that is not a whole number from 0 to 1000', () => {
    for (const bad of ['-5', '2.5', 'lots', '5000']) {
      expect(() => limitHeapGrowth({ ZTP_HEAP_GROWING_PERCENT: bad })).toThrow(
        `ZTP_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, got "${bad}"`,
      );
    }
  });
});
