import fs from 'node:fs';
import os from 'node:os';
import { join as joinPath } from 'node:path';
import { memoryStore } from '../finalConfig/__testUtils__/simulatedDevices';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DhcpService } from './DhcpService';
import { oneSubnetSettings, queuedDevice } from './__testUtils__/queuedDevice';
import { KeaMemfileLeaseSource } from './KeaLeaseReader';

const LEASE_HEADER =
  'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n';

describe('DhcpService summary', () => {
  let db: Awaited<ReturnType<typeof memoryStore>>;
  let dir: string;
  let leaseFile: string;
  let clock: number;
  let reads: number;
  let service: DhcpService;

  beforeEach(async () => {
    db = await memoryStore();
    // One device inside the subnet, one outside it (a problem).
    await db.stores.devices.insertDevices([
      queuedDevice(1, '198.18.0.11'),
      queuedDevice(2, '198.19.9.12'),
    ]);
    dir = fs.mkdtempSync(joinPath(os.tmpdir(), 'ztp-dhcp-service-'));
    leaseFile = joinPath(dir, 'kea-leases4.csv');
    fs.writeFileSync(leaseFile, LEASE_HEADER);
    clock = 1_000_000;
    reads = 0;
    const devices = db.stores.devices;
    const listActiveDevices = devices.listActiveDevices.bind(devices);
    devices.listActiveDevices = async () => {
      reads++;
      return listActiveDevices();
    };
    service = new DhcpService({
      settings: oneSubnetSettings,
      stores: db.stores,
      platforms: new PlatformRegistry(builtinPlatformDrivers),
      leases: new KeaMemfileLeaseSource(leaseFile),
      now: () => clock,
    });
  });

  afterEach(async () => {
    await db.knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the queue once while it stays as it was, and Kea’s leases on every poll', async () => {
    const first = await service.summary(20);
    expect(first).toMatchObject({
      reservationCount: 1,
      problemCount: 1,
      leases: { available: true, notLoadedCount: 2 },
    });
    expect(first.leases.notLoaded.some(l => l.state === 'leased')).toBe(false);

    // A lease appears in Kea; the queue did not change.
    const expire = Math.floor(Date.now() / 1000) + 3600;
    fs.writeFileSync(
      leaseFile,
      `${LEASE_HEADER}198.18.0.11,52:54:00:00:00:11,,3600,${expire},1,0,0,leaf-01,0,,0\n`,
    );
    const second = await service.summary(20);
    expect(reads).toBe(1);
    expect(second.reservationCount).toBe(1);
    expect(
      second.leases.notLoaded.find(
        l => l.entityRef === 'resource:default/leaf-01',
      ),
    ).toMatchObject({ state: 'leased', address: '198.18.0.11' });
  });

  it('reads the queue again once a device changed', async () => {
    await service.summary(20);
    await db.stores.devices.insertDevices([queuedDevice(3, '198.18.0.13')]);
    const after = await service.summary(20);
    expect(reads).toBe(2);
    expect(after.reservationCount).toBe(2);
    expect(after.leases.notLoadedCount).toBe(3);

    await db.stores.devices.markRemoved(
      ['resource:default/leaf-02'],
      new Date(),
    );
    const removed = await service.summary(20);
    expect(reads).toBe(3);
    expect(removed.problemCount).toBe(0);
  });

  it('reads the queue again when the servable images changed, and after a minute', async () => {
    await service.summary(20);
    service.imagesChanged();
    await service.summary(20);
    expect(reads).toBe(2);

    clock += 59_000;
    await service.summary(20);
    expect(reads).toBe(2);
    clock += 1_000;
    await service.summary(20);
    expect(reads).toBe(3);
  });
});
