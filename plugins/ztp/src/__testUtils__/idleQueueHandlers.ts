import { http, HttpResponse } from 'msw';
import { ZTP_API } from './apis';
import { dhcpDownloadOnlyHandlers } from './dhcpHandlers';

/**
 * What the dashboard and a device's page ask for beside what a test is
 * about: no upgrade running, no device stuck, no unknown device, no refused
 * declaration, DHCP without Kea settings. Given to setupServer, they
 * answer what the test's own handlers (server.use) do not, so that its
 * output holds no unhandled-request errors.
 */
export function idleQueueHandlers() {
  return [
    http.get(`${ZTP_API}/images/upgrades`, () =>
      HttpResponse.json({ upgrades: [], upgradeNeeded: 0 }),
    ),
    http.get(`${ZTP_API}/stuck-devices`, () =>
      HttpResponse.json({ afterMinutes: 30, items: [] }),
    ),
    http.get(`${ZTP_API}/unknown-devices`, () =>
      HttpResponse.json({ items: [] }),
    ),
    http.get(`${ZTP_API}/declaration-problems`, () =>
      HttpResponse.json({ items: [] }),
    ),
    ...dhcpDownloadOnlyHandlers(),
  ];
}
