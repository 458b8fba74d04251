import { mockCredentials } from '@backstage/backend-test-utils';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import {
  startExampleFleetBackend,
  type ExampleFleetBackend,
} from '../__testUtils__/exampleFleetBackend';
import { waitFor } from '../__testUtils__/waitFor';
import { OPERATOR } from '../__testUtils__/ztpTestBackend';

jest.setTimeout(120_000);

const NAME = 'spine-01-par1';
const ROUTE = `/api/ztp/devices/default/${NAME}`;
const OLD_BOX = { serial: 'JPE19251107', mac: '44:4c:a8:a1:10:11' };
const NEW_BOX = { serial: 'JPE20990001', mac: '44:4c:a8:a1:99:11' };

/** A running configuration without its comment lines (timestamps, banners). */
const configBody = (text: string) =>
  text
    .split('\n')
    .filter(line => !/^\s*[!#]/.test(line))
    .join('\n');

/** Waits for what fn gives, failing with the device's state after 40 s. */
const until = <T>(
  _what: string,
  fn: () => Promise<T | undefined>,
  state: () => Promise<unknown>,
  timeoutMs = 40_000,
) => waitFor(fn, state, timeoutMs);

describe('replacing a Provisioned device by a simulated box', () => {
  let fleet: ExampleFleetBackend | undefined;

  afterAll(async () => {
    await fleet?.stop();
  });

  it('takes the new serial, MAC and host key, gets Checked and Provisioned with the same final configuration, and the timeline keeps both boxes', async () => {
    fleet = await startExampleFleetBackend({ names: [NAME] });
    const api = fleet.api;
    const details = async () =>
      (await api.get(ROUTE).set({ Authorization: OPERATOR })).body as {
        device: any;
        events: any[];
      };
    const boot = (box: {
      serial: string;
      mac: string;
    }): Promise<SimulatedDevice> =>
      fleet!.powerOn(NAME, {
        macAddress: box.mac,
        realSerial: box.serial,
      });

    // The old box: Checked, then Provisioned by an operator's push.
    const oldBox = await boot(OLD_BOX);
    await until(
      'the old box to be Checked',
      async () =>
        (await details()).device?.serial.state === 'checked' ? true : undefined,
      details,
    );
    const before = await details();
    const pushed = await api
      .post(`${ROUTE}/final-config/push`)
      .set({ Authorization: OPERATOR });
    expect(pushed.body.ok).toBe(true);
    const oldConfig = configBody(oldBox.runningConfig());
    expect(oldConfig).toContain('hostname spine-01-par1');
    await oldBox.powerOff();

    // The replacement: entity and history kept, the rest starts over.
    const replaced = await api
      .post(`${ROUTE}/replace`)
      .set({ Authorization: OPERATOR })
      .send({ newSerial: NEW_BOX.serial, newMacAddress: '44-4C-A8-A1-99-11' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      entityRef: `resource:default/${NAME}`,
      expectedSerial: NEW_BOX.serial,
      macAddress: NEW_BOX.mac,
      confMin: { state: 'not-loaded' },
      serial: { state: 'not-checked' },
      confFinal: { state: 'not-pushed' },
      replacement: {
        kind: 'replacement',
        requestedBy: 'user:default/operator',
        previousSerial: OLD_BOX.serial,
        learnSerial: false,
        autoPush: true,
      },
    });
    expect(replaced.body.serial.hostKeyFingerprint).toBeUndefined();
    expect(replaced.body.localUsername).not.toBe(before.device.localUsername);

    // The new box boots with its own serial, MAC and host key.
    const newBox = await boot(NEW_BOX);
    const done = await until(
      'the new box to be Provisioned by itself',
      async () => {
        const d = await details();
        return d.device.confFinal.state === 'pushed' && !d.device.replacement
          ? d
          : undefined;
      },
      details,
      60_000,
    );
    expect(done.device.serial).toMatchObject({
      state: 'checked',
      presentedSerial: NEW_BOX.serial,
      hostKeyFingerprint: newBox.hostKeyFingerprint(),
    });
    expect(newBox.hostKeyFingerprint()).not.toBe(
      before.device.serial.hostKeyFingerprint,
    );
    // The same final configuration, on the new box.
    expect(configBody(newBox.runningConfig())).toEqual(oldConfig);

    // The timeline keeps both boxes: old serial, new serial, when, by whom.
    const events = done.events;
    const replacedEvent = events.find(e => e.type === 'device.replaced');
    expect(replacedEvent).toMatchObject({
      actor: 'user:default/operator',
      details: {
        previousSerial: OLD_BOX.serial,
        newSerial: NEW_BOX.serial,
        previousMacAddress: OLD_BOX.mac,
        newMacAddress: NEW_BOX.mac,
        previousHostKey: before.device.serial.hostKeyFingerprint,
      },
    });
    expect(Date.parse(replacedEvent.at)).toBeGreaterThan(0);
    const presented = events
      .filter(e => e.type === 'serial.checked')
      .map(e => e.message);
    expect(presented.some(m => m.includes(OLD_BOX.serial))).toBe(true);
    expect(presented.some(m => m.includes(NEW_BOX.serial))).toBe(true);
    expect(
      events.filter(e => e.type === 'conffinal.pushed').map(e => e.actor),
    ).toEqual(['system', 'user:default/operator']);
    expect(events.find(e => e.type === 'device.added')).toBeDefined();

    // The catalog overlay shows the new box like a corrected serial.
    const corrections = await api
      .get('/api/ztp/serial-corrections')
      .set({ Authorization: mockCredentials.service.header() });
    expect(corrections.body.items).toEqual([
      expect.objectContaining({
        entityRef: `resource:default/${NAME}`,
        serial: NEW_BOX.serial,
        previousSerial: OLD_BOX.serial,
        macAddress: NEW_BOX.mac,
        previousMacAddress: OLD_BOX.mac,
        correctedBy: 'user:default/operator',
      }),
    ]);
  });
});
