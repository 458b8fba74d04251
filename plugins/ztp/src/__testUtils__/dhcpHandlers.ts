import { http, HttpResponse } from 'msw';
import { ZTP_API } from './apis';

/** The DHCP card's requests answered as by a portal without Kea settings. */
export function dhcpDownloadOnlyHandlers() {
  return [
    http.get(`${ZTP_API}/dhcp/status`, () =>
      HttpResponse.json({ mode: 'download' }),
    ),
    http.get(`${ZTP_API}/dhcp/kea-config`, ({ request }) =>
      HttpResponse.json({
        part: new URL(request.url).searchParams.get('part'),
        content: { Dhcp4: { subnet4: [] } },
        reservationCount: 0,
        problems: [],
      }),
    ),
    http.get(`${ZTP_API}/dhcp/summary`, () =>
      HttpResponse.json({
        reservationCount: 0,
        problemCount: 0,
        problems: [],
        leases: { available: false, notLoadedCount: 0, notLoaded: [] },
      }),
    ),
    http.get(`${ZTP_API}/dhcp/leases`, () =>
      HttpResponse.json({ available: false, items: [] }),
    ),
  ];
}
