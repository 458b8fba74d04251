import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { testDevice } from '../__testUtils__/doorOnDatabase';
import type { SyncResult } from './DeviceQueueSync';
import { startQueueSync } from './startQueueSync';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

async function storeFor(id: any) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  return ztpStoresOn(knex);
}

/** A catalog sync that finishes only when the test says so. */
function heldSync(added: () => Promise<void> = async () => {}) {
  let release: () => void = () => {};
  const held = new Promise<void>(r => (release = r));
  const runs: number[] = [];
  const sync = {
    run: async (): Promise<SyncResult> => {
      runs.push(Date.now());
      await held;
      await added();
      return {
        added: [],
        updated: [],
        removed: [],
        invalid: [],
        finished: true,
      };
    },
  };
  return { sync, release, runs };
}

describe.each(databases.eachSupportedId())('startQueueSync on %p', id => {
  it('opens the door at once on a restart that finds the queue in the database, the sync going on behind it', async () => {
    const stores = await storeFor(id);
    await stores.devices.insertDevices([
      {
        device: testDevice(1),
        event: {
          entityRef: testDevice(1).entityRef,
          type: 'device.added',
          actor: 'system',
          message: 'Entered the ZTP queue',
        },
      },
    ]);
    const { sync, release, runs } = heldSync();
    let opened = false;
    let stopped = false;
    const started = await startQueueSync({
      sync,
      stores,
      openDoor: async () => {
        opened = true;
      },
      isStopped: () => stopped,
      logger: mockServices.logger.mock(),
    });
    // The catalog sync has not answered, yet the door is open.
    expect(opened).toBe(true);
    await started.doorOpened;
    await new Promise(r => setTimeout(r, 20));
    expect(runs.length).toBe(1);
    stopped = true;
    release();
  });

  it('on a first start, opens the door only once the sync has brought devices in', async () => {
    const stores = await storeFor(id);
    const { sync, release } = heldSync(() =>
      stores.devices.insertDevices([
        {
          device: testDevice(2),
          event: {
            entityRef: testDevice(2).entityRef,
            type: 'device.added',
            actor: 'system',
            message: 'Entered the ZTP queue',
          },
        },
      ]),
    );
    let opened = false;
    const starting = startQueueSync({
      sync,
      stores,
      openDoor: async () => {
        opened = true;
      },
      isStopped: () => false,
      logger: mockServices.logger.mock(),
    });
    await new Promise(r => setTimeout(r, 100));
    expect(opened).toBe(false);
    release();
    await (
      await starting
    ).doorOpened;
    expect(opened).toBe(true);
  });
});
