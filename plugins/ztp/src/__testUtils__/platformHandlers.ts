import { http, HttpResponse } from 'msw';
import type { ZtpPlatform } from '@ztp-portal/backstage-plugin-ztp-common';
import { ZTP_API } from './apis';

/**
 * GET /platforms as a backend with the four shipped platform packages and
 * an added one, "example-os", whose name only the backend knows.
 */
export function installedPlatformHandlers() {
  const items: ZtpPlatform[] = [
    { id: 'cisco-iosxe', displayName: 'Cisco IOS XE', finalConfig: true },
    { id: 'cisco-nxos', displayName: 'Cisco NX-OS', finalConfig: true },
    { id: 'arista-eos', displayName: 'Arista EOS', finalConfig: true },
    { id: 'juniper-junos', displayName: 'Juniper Junos', finalConfig: true },
    { id: 'example-os', displayName: 'Example OS 7', finalConfig: false },
  ];
  return [http.get(`${ZTP_API}/platforms`, () => HttpResponse.json({ items }))];
}
