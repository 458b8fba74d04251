import type {
  ZtpDevice,
  ZtpDeviceList,
  ZtpEvent,
} from '@ztp-portal/backstage-plugin-ztp-common';

type DeviceOverrides = Partial<
  Omit<ZtpDevice, 'confMin' | 'serial' | 'confFinal'>
> & {
  confMin?: Partial<ZtpDevice['confMin']>;
  serial?: Partial<ZtpDevice['serial']>;
  confFinal?: Partial<ZtpDevice['confFinal']>;
};

/** A device as the backend returns it; by default waiting in Mismatch. */
export function makeDevice(name: string, o: DeviceOverrides = {}): ZtpDevice {
  const { confMin, serial, confFinal, ...rest } = o;
  return {
    entityRef: `resource:default/${name}`,
    namespace: 'default',
    name,
    site: 'par1',
    platform: 'cisco-iosxe',
    managementAddress: '127.0.10.11/24',
    managementIp: '127.0.10.11',
    sshPort: 22,
    hostname: name,
    expectedSerial: 'TMP0001',
    serialTemporary: true,
    inCatalog: true,
    localUsername: 'ztp-admin',
    updatedAt: '2026-01-10T10:00:00.000Z',
    ...rest,
    confMin: {
      state: 'loaded',
      loadedAt: '2026-01-10T09:58:00.000Z',
      fetchCount: 1,
      ...confMin,
    },
    serial: {
      state: 'mismatch',
      presentedSerial: 'FOC2148Z0AB',
      checking: false,
      attempts: 1,
      ...serial,
    },
    confFinal: { state: 'not-pushed', ...confFinal },
  };
}

export function makeEvent(
  id: number,
  entityRef: string,
  o: Partial<ZtpEvent> = {},
): ZtpEvent {
  return {
    id,
    entityRef,
    at: '2026-01-10T10:00:00.000Z',
    type: 'device.added',
    actor: 'system',
    message: `event ${id}`,
    ...o,
  };
}

/** A page of the queue whose counters are computed from the devices. */
export function makeList(
  items: ZtpDevice[],
  o: Partial<ZtpDeviceList> = {},
): ZtpDeviceList {
  return {
    items,
    totalCount: items.length,
    summary: {
      total: items.length,
      loaded: items.filter(d => d.confMin.state === 'loaded').length,
      mismatched: items.filter(d => d.serial.state === 'mismatch').length,
      checked: items.filter(d => d.serial.state === 'checked').length,
      pushed: items.filter(d => d.confFinal.state === 'pushed').length,
    },
    facets: {
      sites: [...new Set(items.map(d => d.site ?? ''))].filter(Boolean),
      platforms: [...new Set(items.map(d => d.platform))],
    },
    ...o,
  };
}

/** The JSON body and status of an error as Backstage's backend answers it. */
export function backendError(
  status: number,
  message: string,
  name = status === 403 ? 'NotAllowedError' : 'Error',
): [
  {
    error: { name: string; message: string };
    response: { statusCode: number };
  },
  { status: number },
] {
  return [
    { error: { name, message }, response: { statusCode: status } },
    { status },
  ];
}
