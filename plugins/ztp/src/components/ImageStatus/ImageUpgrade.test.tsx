import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  ZtpApprovedImage,
  ZtpDevice,
  ZtpImageUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { dhcpDownloadOnlyHandlers } from '../../__testUtils__/dhcpHandlers';
import { makeDevice, makeList } from '../../__testUtils__/fixtures';
import { ZtpDashboard } from '../ZtpDashboardPage';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';

const server = setupServer(...installedPlatformHandlers());
registerMswTestHooks(server);

const approved: ZtpApprovedImage[] = [
  {
    platform: 'arista-eos',
    modelFamily: '',
    version: '4.32.0F',
    file: 'EOS-4.32.0F.swi',
    size: 2048,
    sha256: 'b'.repeat(64),
    status: 'verified',
  },
];

const eos = (name: string, ip: string) =>
  makeDevice(name, {
    platform: 'arista-eos',
    managementAddress: `${ip}/24`,
    managementIp: ip,
    software: { runningVersion: '4.31.2F' },
    // Only Checked devices can be selected.
    serial: { state: 'checked' },
  });
const devices: ZtpDevice[] = [
  eos('leaf-01', '127.0.10.11'),
  eos('leaf-02', '127.0.10.12'),
  eos('leaf-03', '127.0.10.13'),
];
const at = '2026-12-04T10:00:00.000Z';
const upgrades: ZtpImageUpgrade[] = [
  {
    entityRef: 'resource:default/leaf-01',
    state: 'upgrading',
    phase: 'downloading',
    percent: 40,
    fromVersion: '4.31.2F',
    targetVersion: '4.32.0F',
    file: 'EOS-4.32.0F.swi',
    actor: 'user:default/operator',
    startedAt: at,
    updatedAt: at,
  },
  {
    entityRef: 'resource:default/leaf-02',
    state: 'failed',
    fromVersion: '4.31.2F',
    targetVersion: '4.32.0F',
    file: 'EOS-4.32.0F.swi',
    error:
      'verifying: the image on flash has SHA-256 0f, not the approved bb: the download is corrupted (deleted)',
    actor: 'system',
    startedAt: at,
    updatedAt: at,
    finishedAt: at,
  },
];
let bulkBodies: unknown[];
let listQueries: URLSearchParams[];

beforeEach(() => {
  bulkBodies = [];
  listQueries = [];
  server.use(
    http.get(`${ZTP_API}/unknown-devices`, () =>
      HttpResponse.json({ items: [] }),
    ),
    http.get(`${ZTP_API}/declaration-problems`, () =>
      HttpResponse.json({ items: [] }),
    ),
    ...dhcpDownloadOnlyHandlers(),
    http.get(`${ZTP_API}/stuck-devices`, () =>
      HttpResponse.json({ afterMinutes: 30, items: [] }),
    ),
    http.get(`${ZTP_API}/images`, () =>
      HttpResponse.json({ images: approved }),
    ),
    http.get(`${ZTP_API}/images/upgrades`, () =>
      HttpResponse.json({ upgrades, upgradeNeeded: 3 }),
    ),
    http.post(`${ZTP_API}/images/upgrade`, async ({ request }) => {
      bulkBodies.push(await request.json());
      return HttpResponse.json(
        {
          started: ['resource:default/leaf-03'],
          refused: [
            {
              entityRef: 'resource:default/leaf-01',
              status: 409,
              reason: 'resource:default/leaf-01 is already being upgraded',
            },
          ],
        },
        { status: 202 },
      );
    }),
    http.get(`${ZTP_API}/devices`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      listQueries.push(params);
      // Every device here needs an upgrade.
      return HttpResponse.json(makeList(devices));
    }),
  );
});

const row = (name: string) => screen.getByTestId(`device-row-${name}`);

describe('upgrades on the ZTP dashboard', () => {
  it('shows Upgrading with its progress and Failed with why, counts the devices needing an upgrade, and upgrades a selection', async () => {
    await renderInTestApp(<ZtpDashboard />, {
      apis: ztpTestApis(),
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    await screen.findByTestId('device-row-leaf-01');
    expect(
      await within(row('leaf-01')).findByText('Upgrading'),
    ).toBeInTheDocument();
    expect(
      within(row('leaf-01')).getByText('downloading 40 %'),
    ).toBeInTheDocument();
    expect(within(row('leaf-02')).getByText('Failed')).toBeInTheDocument();
    expect(
      within(row('leaf-03')).getByText('Upgrade needed'),
    ).toBeInTheDocument();

    // The counter is the server's count.
    await waitFor(() =>
      expect(screen.getByTestId('counter-upgrade-needed')).toHaveTextContent(
        '3',
      ),
    );
    // Clicking it filters the table to those devices.
    await userEvent.click(
      screen.getByRole('button', { name: 'Upgrade needed: 3' }),
    );
    await waitFor(() =>
      expect(listQueries.at(-1)?.get('image')).toBe('upgrade-needed'),
    );

    await userEvent.click(screen.getByRole('checkbox', { name: /leaf-01/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /leaf-03/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Upgrade (2)' }));
    await waitFor(() =>
      expect(bulkBodies).toEqual([
        {
          entityRefs: ['resource:default/leaf-01', 'resource:default/leaf-03'],
        },
      ]),
    );
    expect(
      await screen.findByText('Upgrading 1 device(s).'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('resource:default/leaf-01 is already being upgraded'),
    ).toBeInTheDocument();
  });
});
