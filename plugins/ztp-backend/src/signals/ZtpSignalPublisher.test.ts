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
