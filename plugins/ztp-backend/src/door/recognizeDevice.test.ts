import type { DeviceRecord } from '../database/types';
import { DeviceIndex } from './DeviceIndex';
import { identifiesDeclaredDevice, recognizeDevice } from './recognizeDevice';

function device(n: number, overrides: Partial<DeviceRecord> = {}) {
  return {
    entityRef: `resource:default/leaf-0${n}`,
    hostname: `leaf-0${n}`,
    macAddress: `70:db:98:a1:10:2${n}`,
    managementIp: `127.0.10.2${n}`,
    expectedSerial: `FDO2321000${n}`,
    ...overrides,
  } as DeviceRecord;
}

describe('identifiesDeclaredDevice', () => {
  const index = new DeviceIndex();
  index.replaceAll([device(1), device(2)]);

  it('matches what the door recorded against the devices now declared', () => {
    // The forms devices ask with, as recorded for unknown devices.
    expect(identifiesDeclaredDevice(index, 'mac 70DB98A11021')).toBe(true);
    expect(identifiesDeclaredDevice(index, 'mac 70db.98a1.1022')).toBe(true);
    expect(identifiesDeclaredDevice(index, 'hostname LEAF-01.par1')).toBe(true);
    expect(identifiesDeclaredDevice(index, 'address 127.0.10.22')).toBe(true);
    expect(identifiesDeclaredDevice(index, 'serial fdo23210001')).toBe(true);
  });

  it('keeps what still matches nothing', () => {
    expect(identifiesDeclaredDevice(index, 'mac 02:00:5e:00:53:99')).toBe(
      false,
    );
    expect(identifiesDeclaredDevice(index, 'hostname leaf-09')).toBe(false);
    expect(identifiesDeclaredDevice(index, 'address 127.0.10.99')).toBe(false);
    expect(identifiesDeclaredDevice(index, 'nonsense')).toBe(false);
    expect(identifiesDeclaredDevice(index, 'port 22')).toBe(false);
  });

  it('agrees with what the door answers for the same request', () => {
    const unknown = recognizeDevice(index, {
      kind: 'mac',
      key: '02-00-5e-00-53-99.cfg',
      headers: {},
      sourceIp: '127.0.0.1',
    });
    expect(unknown.device).toBeUndefined();
    const identifier = (unknown as { identifier: string }).identifier;
    expect(identifiesDeclaredDevice(index, identifier)).toBe(false);
    index.upsert(device(9, { macAddress: '02:00:5e:00:53:99' }));
    expect(identifiesDeclaredDevice(index, identifier)).toBe(true);
  });
});
