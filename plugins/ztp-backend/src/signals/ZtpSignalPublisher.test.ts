import { mockServices } from '@backstage/backend-test-utils';
import {
  ZTP_QUEUE_CHANNEL,
  ZtpDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ZtpSignalPublisher } from './ZtpSignalPublisher';

function fakeDevice(entityRef: string): ZtpDevice {
  return { entityRef, name: entityRef.split('/')[1] } as ZtpDevice;
}

describe('ZtpSignalPublisher', () => {
  it('publishes a change within 250 ms, on the queue channel alone', async () => {
    const published: { channel: string; message: any; at: number }[] = [];
    const publisher = new ZtpSignalPublisher({
      logger: mockServices.logger.mock(),
      signals: {
        publish: async s => {
          published.push({
            channel: s.channel,
            message: s.message,
            at: Date.now(),
          });
        },
      },
      loadDevices: async refs => refs.map(fakeDevice),
    });
    const start = Date.now();
    publisher.changed('resource:default/leaf-01');
    await new Promise(r => setTimeout(r, 300));
    // No channel per device: a device's page follows the queue's.
    expect(published.map(p => p.channel)).toEqual([ZTP_QUEUE_CHANNEL]);
    expect(published[0].at - start).toBeLessThan(250);
    expect(published[0].message.devices).toEqual([
      fakeDevice('resource:default/leaf-01'),
    ]);
  });

  it('coalesces a boot storm into a few queue messages, each device once', async () => {
    const queueMessages: any[] = [];
    const channels = new Set<string>();
    let loads = 0;
    const publisher = new ZtpSignalPublisher({
      logger: mockServices.logger.mock(),
      signals: {
        publish: async s => {
          channels.add(s.channel);
          if (s.channel === ZTP_QUEUE_CHANNEL) queueMessages.push(s.message);
        },
      },
      loadDevices: async refs => {
        loads++;
        return refs.map(fakeDevice);
      },
    });
    // 1000 devices change three times each within the window.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 1000; i++)
        publisher.changed(`resource:default/d${i}`);
    }
    publisher.removedFromQueue('resource:default/gone');
    await new Promise(r => setTimeout(r, 300));
    const refs = queueMessages.flatMap(m =>
      m.devices.map((d: ZtpDevice) => d.entityRef),
    );
    expect(refs).toHaveLength(1000);
    expect(new Set(refs).size).toBe(1000);
    expect(queueMessages.length).toBe(5); // batches of 200
    // Five messages in all, not one more per device.
    expect([...channels]).toEqual([ZTP_QUEUE_CHANNEL]);
    expect(loads).toBe(1);
    expect(queueMessages[0].removed).toEqual(['resource:default/gone']);
  });

  it('tells the queue channel when unknown devices were recorded', async () => {
    const published: { channel: string; message: any }[] = [];
    const publisher = new ZtpSignalPublisher({
      logger: mockServices.logger.mock(),
      signals: {
        publish: async s => {
          published.push({ channel: s.channel, message: s.message });
        },
      },
      loadDevices: async refs => refs.map(fakeDevice),
    });
    await publisher.unknownDevicesChanged();
    expect(published).toEqual([
      {
        channel: ZTP_QUEUE_CHANNEL,
        message: { type: 'unknown-devices-changed' },
      },
    ]);
  });

  it('does nothing without the signals service', async () => {
    const loadDevices = jest.fn();
    const publisher = new ZtpSignalPublisher({
      logger: mockServices.logger.mock(),
      loadDevices,
    });
    publisher.changed('resource:default/leaf-01');
    await publisher.flushNow();
    expect(loadDevices).not.toHaveBeenCalled();
  });
});

describe('ZtpSignalPublisher counters', () => {
  it('sends the counters read after the devices in the same message', async () => {
    const queueMessages: any[] = [];
    const reads: string[] = [];
    let checked = 0;
    const publisher = new ZtpSignalPublisher({
      logger: mockServices.logger.mock(),
      signals: {
        publish: async s => {
          if (s.channel === ZTP_QUEUE_CHANNEL) queueMessages.push(s.message);
        },
      },
      loadDevices: async refs => {
        reads.push('devices');
        checked = refs.length;
        return refs.map(fakeDevice);
      },
      loadSummary: async () => {
        reads.push('summary');
        return { total: 5, loaded: 5, mismatched: 0, checked, pushed: 0 };
      },
    });
    publisher.changed('resource:default/a', 'resource:default/b');
    await publisher.flushNow();
    expect(reads).toEqual(['devices', 'summary']);
    expect(queueMessages).toEqual([
      {
        type: 'devices-changed',
        devices: [
          fakeDevice('resource:default/a'),
          fakeDevice('resource:default/b'),
        ],
        removed: [],
        summary: { total: 5, loaded: 5, mismatched: 0, checked: 2, pushed: 0 },
      },
    ]);
  });
});

/** A publisher whose queue messages the test reads. */
function recordingPublisher(
  options: Omit<
    ConstructorParameters<typeof ZtpSignalPublisher>[0],
    'logger' | 'signals' | 'loadDevices'
  >,
) {
  const queueMessages: any[] = [];
  const publisher = new ZtpSignalPublisher({
    ...options,
    logger: mockServices.logger.mock(),
    signals: {
      publish: async s => {
        if (s.channel === ZTP_QUEUE_CHANNEL) queueMessages.push(s.message);
      },
    },
    loadDevices: async refs => refs.map(fakeDevice),
  });
  return { publisher, queueMessages };
}

describe('ZtpSignalPublisher counters in a storm', () => {
  it('reads the counters at most once per interval, and sends the latest ones within it after the last change', async () => {
    let checked = 0;
    let summaryReads = 0;
    const { publisher, queueMessages } = recordingPublisher({
      windowMs: 10,
      summaryEveryMs: 200,
      loadSummary: async () => {
        summaryReads++;
        return { total: 100, loaded: 100, mismatched: 0, checked, pushed: 0 };
      },
    });
    // A device is Checked every 20 ms for 600 ms: about 30 flushes.
    const start = Date.now();
    for (let i = 0; Date.now() - start < 600; i++) {
      checked = i + 1;
      publisher.changed(`resource:default/d${i}`);
      await new Promise(r => setTimeout(r, 20));
    }
    const last = checked;
    const flushes = queueMessages.length;
    expect(flushes).toBeGreaterThan(10);
    // Counters at the start and then once per 200 ms, not once per flush.
    expect(summaryReads).toBeLessThanOrEqual(5);
    expect(queueMessages[0].summary).toBeDefined();
    // Every device still goes out at once, counters or not.
    const sent = queueMessages.flatMap(m =>
      m.devices.map((d: any) => d.entityRef),
    );
    expect(new Set(sent).size).toBe(last);
    // Within the interval after the storm, the counters of the final state.
    await new Promise(r => setTimeout(r, 300));
    expect(queueMessages.at(-1)).toMatchObject({
      type: 'devices-changed',
      summary: { checked: last },
    });
  });

  it('sends the counters it owes when flushed at shutdown', async () => {
    let checked = 1;
    const { publisher, queueMessages } = recordingPublisher({
      windowMs: 10,
      summaryEveryMs: 60_000,
      loadSummary: async () => ({
        total: 2,
        loaded: 2,
        mismatched: 0,
        checked,
        pushed: 0,
      }),
    });
    const flushed = (n: number) =>
      new Promise<void>(function wait(resolve) {
        if (queueMessages.length >= n) resolve();
        else setTimeout(() => wait(resolve), 5);
      });
    publisher.changed('resource:default/a');
    await flushed(1);
    checked = 2;
    publisher.changed('resource:default/b');
    await flushed(2);
    expect(queueMessages.map(m => m.summary?.checked)).toEqual([1, undefined]);
    await publisher.flushNow();
    expect(queueMessages.map(m => m.summary?.checked)).toEqual([
      1,
      undefined,
      2,
    ]);
  });
});
