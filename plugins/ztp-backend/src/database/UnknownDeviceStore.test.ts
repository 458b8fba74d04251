import { TestDatabases } from '@backstage/backend-test-utils';
import { storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('UnknownDeviceStore on %p', id => {
  it('counts unknown devices', async () => {
    const { stores } = await storesFor(databases, id);
    const at = new Date();
    await stores.unknownDevices.recordUnknownDevices([
      { sourceIp: '127.0.99.1', identifier: 'mac aa', at, count: 3 },
    ]);
    await stores.unknownDevices.recordUnknownDevices([
      { sourceIp: '127.0.99.1', identifier: 'mac aa', at, count: 2 },
    ]);
    expect(await stores.unknownDevices.listUnknownDevices(10)).toEqual([
      expect.objectContaining({ sourceIp: '127.0.99.1', count: 5 }),
    ]);
  });
});
