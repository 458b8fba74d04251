import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreApis } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  imageCompliance,
  type ZtpApprovedImage,
  type ZtpDevice,
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
    platform: 'cisco-iosxe',
    modelFamily: 'C9300',
    version: '17.9.4a',
    file: 'cat9k_iosxe.17.09.04a.SPA.bin',
    size: 1024,
    sha256: 'a'.repeat(64),
    status: 'verified',
  },
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

const devices: ZtpDevice[] = [
  makeDevice('leaf-01', {
    software: { runningVersion: '17.09.04a', model: 'C9300-48P' },
  }),
  makeDevice('leaf-02', {
    platform: 'arista-eos',
    managementAddress: '127.0.10.12/24',
    managementIp: '127.0.10.12',
    software: { runningVersion: '4.31.2F' },
  }),
  // No version read yet.
  makeDevice('spine-01', {
    platform: 'juniper-junos',
    managementAddress: '127.0.20.1/24',
    managementIp: '127.0.20.1',
  }),
  // Booting: its own agent takes the image and reports each step.
  makeDevice('leaf-03', {
    platform: 'arista-eos',
    managementAddress: '127.0.10.13/24',
    managementIp: '127.0.10.13',
    lastEvent: {
      id: 7,
      entityRef: 'resource:default/leaf-03',
      at: '2026-12-04T10:00:00.000Z',
      type: 'bootstrap.progress',
      actor: 'device:127.0.10.13',
      message: 'software image: downloading EOS-4.32.0F.swi',
      details: { stage: 'image' },
    },
  }),
  // Its agent could not take it; the version read before is older news.
  makeDevice('leaf-04', {
    platform: 'arista-eos',
    managementAddress: '127.0.10.14/24',
    managementIp: '127.0.10.14',
    software: {
      runningVersion: '4.31.2F',
      readAt: '2026-12-04T09:00:00.000Z',
    },
    lastEvent: {
      id: 8,
      entityRef: 'resource:default/leaf-04',
      at: '2026-12-04T10:00:00.000Z',
      type: 'bootstrap.image-failed',
      actor: 'device:127.0.10.14',
      message:
        'software image not taken; the device keeps its old image and goes on: % Error copying http://127.0.0.1:7080/ztp/images/EOS-4.32.0F.swi (No space left on device)',
      details: { stage: 'image-failed' },
    },
  }),
];
let listRequests: URLSearchParams[];

/** The server's image state of a device, as GET /devices filters on it. */
const stateOf = (d: ZtpDevice) =>
  imageCompliance(
    {
      platform: d.platform,
      runningVersion: d.software?.runningVersion,
      deviceModel: d.software?.model,
    },
    approved,
  ).state;

beforeEach(() => {
  listRequests = [];
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
    // No upgrade running (the dashboard's upgrade counter asks).
    http.get(`${ZTP_API}/images/upgrades`, () =>
      HttpResponse.json({ upgrades: [], upgradeNeeded: 0 }),
    ),
    // The server filters on the image state, as GET /devices does.
    http.get(`${ZTP_API}/devices`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      listRequests.push(params);
      const image = params.get('image');
      return HttpResponse.json(
        makeList(devices.filter(d => !image || stateOf(d) === image)),
      );
    }),
  );
});

const row = (name: string) => screen.getByTestId(`device-row-${name}`);

async function renderDashboard(url?: string, firstRow = 'leaf-01') {
  const rendered = await renderInTestApp(<ZtpDashboard />, {
    apis: ztpTestApis(),
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    initialRouteEntries: url ? [url] : undefined,
  });
  await screen.findByTestId(`device-row-${firstRow}`);
  return rendered;
}

describe('the Image column of the ZTP dashboard', () => {
  it('shows Compliant, Upgrade needed (running → approved) and Unknown', async () => {
    await renderDashboard();
    expect(
      screen.getByRole('columnheader', { name: 'Image' }),
    ).toBeInTheDocument();
    expect(
      await within(row('leaf-01')).findByText('Compliant'),
    ).toBeInTheDocument();
    expect(within(row('leaf-01')).getByText('17.09.04a')).toBeInTheDocument();
    expect(
      within(row('leaf-02')).getByText('Upgrade needed'),
    ).toBeInTheDocument();
    expect(
      within(row('leaf-02')).getByText('4.31.2F → 4.32.0F'),
    ).toBeInTheDocument();
    expect(within(row('spine-01')).getByText('Unknown')).toBeInTheDocument();
  });

  it('shows the image a booting device takes during ZTP, and the step its agent reported', async () => {
    await renderDashboard();
    expect(
      await within(row('leaf-03')).findByText('Upgrading'),
    ).toBeInTheDocument();
    expect(
      within(row('leaf-03')).getByText('ZTP: downloading EOS-4.32.0F.swi'),
    ).toBeInTheDocument();
    const failed = within(row('leaf-04')).getByText('Failed');
    expect(within(row('leaf-04')).getByText('during ZTP')).toBeInTheDocument();
    await userEvent.hover(failed);
    expect(
      await screen.findByText(
        /No space left on device\)\. The device keeps its old image/,
      ),
    ).toBeInTheDocument();
  });

  it('filters on the server by image state, kept in the URL and read back from it', async () => {
    const first = await renderDashboard('/?other=kept');
    await userEvent.click(screen.getByRole('button', { name: 'Image Any' }));
    await userEvent.click(
      screen.getByRole('option', { name: 'Upgrade needed' }),
    );
    await waitFor(() =>
      expect(listRequests.at(-1)?.get('image')).toBe('upgrade-needed'),
    );
    await waitFor(() =>
      expect(screen.queryByTestId('device-row-leaf-01')).toBeNull(),
    );
    expect(row('leaf-02')).toBeInTheDocument();
    const history = first.apis.get(coreApis.appHistory)!;
    const search = new URLSearchParams(history.getSnapshot().location.search);
    expect(Object.fromEntries(search)).toEqual({
      image: 'upgrade-needed',
      other: 'kept',
    });
    first.unmount();

    // A reload of that URL asks for the same filter from its first request.
    listRequests = [];
    await renderDashboard(`/?${search.toString()}`, 'leaf-02');
    expect(listRequests[0].get('image')).toBe('upgrade-needed');
    expect(screen.queryByTestId('device-row-spine-01')).toBeNull();
    expect(
      await within(row('leaf-02')).findByText('Upgrade needed'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Image Upgrade needed' }),
    ).toBeInTheDocument();
  });

  it('says Unknown with the running version when the approved images cannot be read, and asks again later', async () => {
    let refused = true;
    server.use(
      http.get(`${ZTP_API}/images`, () =>
        refused
          ? HttpResponse.json(
              {
                error: { name: 'NotAllowedError', message: 'Not allowed' },
                response: { statusCode: 403 },
              },
              { status: 403 },
            )
          : HttpResponse.json({ images: approved }),
      ),
    );
    await renderDashboard();
    await waitFor(() =>
      expect(within(row('leaf-02')).getByText('Unknown')).toBeInTheDocument(),
    );
    expect(within(row('leaf-02')).getByText('4.31.2F')).toBeInTheDocument();

    // The failure is not remembered: a row shown again asks again.
    refused = false;
    await userEvent.click(screen.getByRole('button', { name: 'Image Any' }));
    await userEvent.click(screen.getByRole('option', { name: 'Compliant' }));
    await waitFor(() =>
      expect(screen.queryByTestId('device-row-leaf-02')).toBeNull(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Image Compliant' }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'Any' }));
    expect(
      await within(await screen.findByTestId('device-row-leaf-02')).findByText(
        'Upgrade needed',
      ),
    ).toBeInTheDocument();
  });

  it('leaves an image state it does not know out of the query', async () => {
    await renderDashboard('/?image=upgrading');
    expect(listRequests[0].has('image')).toBe(false);
    expect(
      screen.getByRole('button', { name: 'Image Any' }),
    ).toBeInTheDocument();
  });
});
