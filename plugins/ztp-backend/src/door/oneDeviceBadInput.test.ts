import { TestDatabases } from '@backstage/backend-test-utils';
import type { UnknownDeviceStore } from '../database/UnknownDeviceStore';
import {
  startDoorOnDatabase,
  testDevice,
} from '../__testUtils__/doorOnDatabase';
import { httpGet } from '../__testUtils__/network';
import { FetchRecorder } from './FetchRecorder';
import { UnknownDeviceCounter } from './UnknownDeviceCounter';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

const LONG_SERIAL = 'S'.repeat(65);

describe.each(databases.eachSupportedId())(
  "one device's bad input on %p",
  id => {
    it('fails no other device of its batch: long serial headers get 400, the others their configuration', async () => {
      const knex = await databases.init(id);
      const door = await startDoorOnDatabase(knex, { devices: 40 });
      try {
        const url = (n: number) =>
          `http://127.0.0.1:${door.port}/ztp/config/by-mac/${
            testDevice(n).macAddress
          }`;
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => {
            const n = i + 1;
            const serialHeader = ['X-Arista-Serial', 'SERIAL-NUMBER'][n % 2];
            const serial =
              n % 4 < 2 ? LONG_SERIAL : testDevice(n).declaredSerial;
            const headers = { [serialHeader]: serial };
            return httpGet(url(n), { headers }).then(r => ({ n, ...r }));
          }),
        );
        const refused = (header: string) =>
          `bad request: ${header} is 65 characters long; the longest accepted is 64\n`;
        expect(results).toEqual(
          results.map(r => {
            const header = ['X-Arista-Serial', 'SERIAL-NUMBER'][r.n % 2];
            return r.n % 4 < 2
              ? { n: r.n, status: 400, body: refused(header) }
              : { n: r.n, status: 200, body: `hostname dev-${r.n}\n` };
          }),
        );
        const devices = await door.stores.devices.listActiveDevices();
        for (const d of devices) {
          const n = Number(d.hostname.slice(4));
          expect([n, d.confMinState]).toEqual([
            n,
            n % 4 < 2 ? 'not-loaded' : 'loaded',
          ]);
        }
      } finally {
        await door.server.stop();
      }
    });

    it('records the other fetches of a batch when the database refuses one', async () => {
      const knex = await databases.init(id);
      const door = await startDoorOnDatabase(knex, { devices: 6 });
      await door.server.stop();
      const recorder = new FetchRecorder(door.stores.fetches);
      const at = new Date();
      // Past the door's checks, as a future bug might let one through: a
      // NUL, which PostgreSQL refuses to store.
      const settled = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          recorder.record({
            entityRef: testDevice(i + 1).entityRef,
            sourceIp: `127.0.10.${i + 1}`,
            at,
            via: 'MAC address in the URL',
            headerSerial:
              i === 2 ? 'SER\u0000BAD' : testDevice(i + 1).declaredSerial,
          }),
        ),
      );
      const refused = id === 'POSTGRES_15' ? [2] : [];
      expect(settled.map(s => s.status)).toEqual(
        settled.map((_, i) => (refused.includes(i) ? 'rejected' : 'fulfilled')),
      );
      const loaded = (await door.stores.devices.listActiveDevices())
        .filter(d => d.confMinState === 'loaded')
        .map(d => d.hostname)
        .sort();
      expect(loaded).toEqual(
        [1, 2, 3, 4, 5, 6]
          .filter(n => !refused.includes(n - 1))
          .map(n => `dev-${n}`),
      );
    });

    it('keeps the unknown devices of a flush window when one is refused or the write fails', async () => {
      const knex = await databases.init(id);
      const door = await startDoorOnDatabase(knex, { devices: 1 });
      await door.server.stop();
      let outage = false;
      // The real store, with a NUL slipped into one probe (as a future bug
      // might) and an outage that can be switched on.
      const stores = {
        recordUnknownDevices: async (
          probes: Parameters<UnknownDeviceStore['recordUnknownDevices']>[0],
        ) => {
          if (outage) {
            throw Object.assign(new Error('connect ECONNREFUSED'), {
              code: 'ECONNREFUSED',
            });
          }
          await door.stores.unknownDevices.recordUnknownDevices(
            probes.map(p =>
              p.identifier === 'mac poison'
                ? { ...p, identifier: 'mac poi\u0000son' }
                : p,
            ),
          );
        },
      } as unknown as UnknownDeviceStore;
      const counter = new UnknownDeviceCounter(stores);
      counter.count('127.0.99.1', 'mac 02:00:5e:00:53:01');
      counter.count('127.0.99.2', 'mac poison');
      counter.count('127.0.99.3', `hostname ${'h'.repeat(253)}`);
      expect(counter.count('127.0.99.4', `hostname ${'h'.repeat(254)}`)).toBe(
        false,
      );

      outage = true;
      await expect(counter.flush()).rejects.toThrow(/ECONNREFUSED/);
      counter.count('127.0.99.1', 'mac 02:00:5e:00:53:01');
      outage = false;
      const written = await counter.flush();

      const rows = await door.stores.unknownDevices.listUnknownDevices(10);
      const expected = [
        { sourceIp: '127.0.99.1', count: 2 },
        { sourceIp: '127.0.99.3', count: 1 },
      ];
      if (id !== 'POSTGRES_15')
        expected.push({ sourceIp: '127.0.99.2', count: 1 });
      expect(written).toBe(expected.length);
      expect(
        rows
          .map(r => ({ sourceIp: r.sourceIp, count: r.count }))
          .sort((a, b) => a.sourceIp.localeCompare(b.sourceIp)),
      ).toEqual(expected.sort((a, b) => a.sourceIp.localeCompare(b.sourceIp)));
      // Nothing is left over for the next flush.
      expect(await counter.flush()).toBe(0);
    });
  },
);
