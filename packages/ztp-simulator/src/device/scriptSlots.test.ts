import { runDeviceScript } from './runDeviceScript';
import { ScriptSlots } from './scriptSlots';

const answer = async () => ({ output: '' });
const script =
  'import time\nprint(time.time())\ntime.sleep(0.4)\nprint(time.time())\n';

describe('device script slots', () => {
  it('start a script only once a slot is free; its timeout runs from its start', async () => {
    const slots = new ScriptSlots(1);
    const [first, second] = await Promise.all([
      runDeviceScript({ script, environment: 'guestshell', answer, slots }),
      runDeviceScript({
        script,
        environment: 'guestshell',
        answer,
        slots,
        // Shorter than the first script's run: it counts from its own start.
        timeoutMs: 3000,
      }),
    ]);
    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    const [, firstEnd] = first.output.trim().split('\n').map(Number);
    const [secondStart] = second.output.trim().split('\n').map(Number);
    expect(secondStart).toBeGreaterThanOrEqual(firstEnd);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it('never runs a script whose box was powered off while it waited', async () => {
    const slots = new ScriptSlots(1);
    const power = new AbortController();
    const running = runDeviceScript({
      script,
      environment: 'guestshell',
      answer,
      slots,
    });
    const waiting = runDeviceScript({
      script: 'open("ran", "w").write("ran")\nprint("ran")\n',
      environment: 'guestshell',
      answer,
      slots,
      signal: power.signal,
    });
    expect(slots.load).toEqual({ running: 1, waiting: 1 });
    power.abort();
    expect(await waiting).toEqual({ exitCode: null, output: '' });
    expect((await running).exitCode).toBe(0);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it('start waiting scripts when the slots grow, and refuse a size below 1', async () => {
    const slots = new ScriptSlots(1);
    const first = await slots.acquire();
    const second = slots.acquire();
    expect(slots.load).toEqual({ running: 1, waiting: 1 });
    slots.resize(2);
    expect(slots.load).toEqual({ running: 2, waiting: 0 });
    expect(typeof (await second)).toBe('function');
    expect(() => slots.resize(0)).toThrow(/above 0/);
    if (first) first();
  });
});
