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
  ZTP_QUEUE_CHANNEL,
  type ZtpDevice,
  type ZtpQueueSignal,
  type ZtpUnknownDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';
import {
  makeDevice,
  makeList,
  backendError,
} from '../../__testUtils__/fixtures';
import { MockSignalApi } from '../../__testUtils__/MockSignalApi';
import { ZtpDashboard, ZtpDashboardPage } from './ZtpDashboardPage';
import { SHOW_LOADING_AFTER_MS } from './useDeviceQueue';

// Every permission is allowed in this file. usePermission caches answers in a
// module-wide SWR cache, so other permission setups have files of their own.
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

/** The backend's queue for one test; handlers read it on every request. */
let devices: ZtpDevice[];
let listRequests: URLSearchParams[];
let unknownDevices: ZtpUnknownDevice[];

beforeEach(() => {
  devices = [
    makeDevice('leaf-01', { site: 'par1', platform: 'cisco-iosxe' }),
    makeDevice('leaf-02', {
      site: 'par1',
      platform: 'arista-eos',
      managementAddress: '127.0.10.12/24',
      managementIp: '127.0.10.12',
      serial: { state: 'checked', presentedSerial: 'SSJ17371234' },
      expectedSerial: 'SSJ17371234',
    }),
    makeDevice('spine-01', {
      site: 'lon2',
      platform: 'juniper-junos',
      managementAddress: '127.0.20.1/24',
      managementIp: '127.0.20.1',
      confMin: { state: 'not-loaded', loadedAt: undefined, fetchCount: 0 },
      serial: { state: 'not-checked', presentedSerial: undefined },
    }),
  ];
  listRequests = [];
  unknownDevices = [];
  server.use(
    http.get(`${ZTP_API}/unknown-devices`, () =>
      HttpResponse.json({ items: unknownDevices }),
    ),
    http.get(`${ZTP_API}/devices`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      listRequests.push(params);
      const serial = params.get('serial');
      const q = params.get('q');
      const items = devices.filter(
        d =>
          (!serial || d.serial.state === serial) && (!q || d.name.includes(q)),
      );
      // Counters and facets describe the whole queue, not the page.
      const all = makeList(devices);
      return HttpResponse.json(
        makeList(items, { summary: all.summary, facets: all.facets }),
      );
    }),
  );
});

/** Replaces a device in the fake backend, as a later state. */
function changeDevice(name: string, change: Partial<ZtpDevice>): ZtpDevice {
  const index = devices.findIndex(d => d.name === name);
  const next = {
    ...devices[index],
    ...change,
    updatedAt: new Date(
      Date.parse(devices[index].updatedAt) + 60_000,
    ).toISOString(),
  };
  devices[index] = next;
  return next;
}

const row = (name: string) => screen.getByTestId(`device-row-${name}`);

async function renderDashboard(
  options: {
    deny?: string[];
    signals?: MockSignalApi;
    pollIntervalMs?: number;
    /** The dashboard's URL, e.g. with filters in its query. */
    url?: string;
    /** A row to wait for (leaf-01 by default). */
    firstRow?: string;
  } = {},
) {
  const rendered = await renderInTestApp(
    <ZtpDashboard pollIntervalMs={options.pollIntervalMs} />,
    {
      apis: ztpTestApis(options),
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: options.url ? [options.url] : undefined,
    },
  );
  await screen.findByTestId(`device-row-${options.firstRow ?? 'leaf-01'}`);
  return rendered;
}

describe('ZtpDashboard', () => {
  it('shows the counters, the rows with their badges, and links to the catalog', async () => {
    await renderDashboard();
    expect(screen.getByTestId('counter-total')).toHaveTextContent('3');
    expect(screen.getByTestId('counter-loaded')).toHaveTextContent('2');
    expect(screen.getByTestId('counter-mismatched')).toHaveTextContent('1');
    expect(screen.getByTestId('counter-checked')).toHaveTextContent('1');
    expect(screen.getByTestId('counter-pushed')).toHaveTextContent('0');

    expect(within(row('leaf-01')).getByText('Mismatch')).toBeInTheDocument();
    expect(within(row('leaf-01')).getByText('Loaded')).toBeInTheDocument();
    expect(within(row('leaf-02')).getByText('Checked')).toBeInTheDocument();
    expect(within(row('leaf-02')).getByText('Arista EOS')).toBeInTheDocument();
    expect(within(row('spine-01')).getByText('Not Loaded')).toBeInTheDocument();
    expect(
      within(row('spine-01')).getByText('Not Checked'),
    ).toBeInTheDocument();
    expect(
      within(row('spine-01')).getByText('127.0.20.1/24'),
    ).toBeInTheDocument();
    expect(
      within(row('leaf-01')).getByRole('link', { name: 'leaf-01' }),
    ).toHaveAttribute('href', '/catalog/default/resource/leaf-01');
    // The first page is asked for sorted, paged on the server.
    expect(listRequests[0].get('limit')).toBe('50');
    expect(listRequests[0].get('offset')).toBe('0');
    expect(listRequests[0].get('orderBy')).toBe('name');
  });

  it('keeps header words whole, and lets dotted device names wrap only after a dot', async () => {
    devices.push(
      makeDevice('core-01.par1.example.net', { hostname: 'core-01' }),
    );
    await renderDashboard();

    // Backstage's theme lets table cells break words anywhere ("Sit e"), so
    // the one-word and short headers must not wrap. (jsdom's cascade ignores
    // selector specificity, so the word-break override is checked in a
    // browser, not here.)
    for (const name of [
      'Device',
      'Site',
      'Platform',
      'Conf Min',
      'Serial',
      'Conf Final',
      'Last event',
    ]) {
      const header = screen.getByRole('columnheader', { name });
      expect(getComputedStyle(header).whiteSpace).toBe('nowrap');
    }
    // The longest header may take two lines, between its words.
    const address = screen.getByRole('columnheader', {
      name: 'Management address',
    });
    expect(getComputedStyle(address).whiteSpace).toBe('normal');

    const link = within(row('core-01.par1.example.net')).getByRole('link', {
      name: 'core-01.par1.example.net',
    });
    expect(link.querySelectorAll('wbr')).toHaveLength(3);
    expect(link.innerHTML).toBe('core-01.<wbr>par1.<wbr>example.<wbr>net');
  });

  it('filters by serial status and text on the server', async () => {
    await renderDashboard();
    await userEvent.click(screen.getByRole('button', { name: 'Serial Any' }));
    await userEvent.click(screen.getByRole('option', { name: 'Mismatch' }));
    await waitFor(() =>
      expect(screen.queryByTestId('device-row-leaf-02')).toBeNull(),
    );
    expect(row('leaf-01')).toBeInTheDocument();
    expect(listRequests.at(-1)?.get('serial')).toBe('mismatch');

    await userEvent.click(
      screen.getByRole('button', { name: 'Serial Mismatch' }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'Any' }));
    await userEvent.type(screen.getByLabelText('Search'), 'spine');
    await waitFor(() =>
      expect(screen.queryByTestId('device-row-leaf-01')).toBeNull(),
    );
    expect(row('spine-01')).toBeInTheDocument();
    expect(listRequests.at(-1)?.get('q')).toBe('spine');
    expect(listRequests.at(-1)?.has('serial')).toBe(false);
    // The word typed at once is one search, not one per key.
    expect(listRequests.filter(p => p.has('q')).map(p => p.get('q'))).toEqual([
      'spine',
    ]);
  });

  it('searches a pasted text in one request, and all devices once cleared', async () => {
    await renderDashboard();
    await userEvent.click(screen.getByLabelText('Search'));
    await userEvent.paste('spine');
    await waitFor(() =>
      expect(screen.queryByTestId('device-row-leaf-01')).toBeNull(),
    );
    expect(row('spine-01')).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText('Search'));
    await waitFor(() => expect(row('leaf-01')).toBeInTheDocument());
    expect(listRequests.map(p => p.get('q'))).toEqual([null, 'spine', null]);
  });

  it('keeps the rows on screen without a loading bar for a quick answer, and shows the bar for a slow one', async () => {
    await renderDashboard();
    const bar = () =>
      screen.queryByRole('progressbar', { name: 'Loading devices' });
    expect(bar()).toBeNull();
    // A quick answer: the rows change, the bar never showed.
    let barShown = false;
    const watch = new MutationObserver(() => {
      barShown ||= bar() !== null;
    });
    watch.observe(document.body, { childList: true, subtree: true });
    await userEvent.click(screen.getByRole('button', { name: 'Serial Any' }));
    await userEvent.click(screen.getByRole('option', { name: 'Mismatch' }));
    await waitFor(() =>
      expect(screen.queryByTestId('device-row-leaf-02')).toBeNull(),
    );
    watch.disconnect();
    expect(barShown).toBe(false);

    // A slow answer: the bar shows while the old rows stay, then goes.
    let answer!: () => void;
    server.use(
      http.get(`${ZTP_API}/devices`, async () => {
        await new Promise<void>(r => {
          answer = r;
        });
        return HttpResponse.json(makeList(devices));
      }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Serial Mismatch' }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'Any' }));
    expect(
      await screen.findByRole(
        'progressbar',
        { name: 'Loading devices' },
        { timeout: SHOW_LOADING_AFTER_MS * 4 },
      ),
    ).toBeInTheDocument();
    expect(row('leaf-01')).toBeInTheDocument();
    answer();
    await waitFor(() => expect(row('leaf-02')).toBeInTheDocument());
    expect(bar()).toBeNull();
  });

  it('offers the site and platform facets as filters', async () => {
    await renderDashboard();
    await userEvent.click(screen.getByRole('button', { name: 'Platform Any' }));
    expect(
      screen.getByRole('option', { name: 'Juniper Junos' }),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('option', { name: 'Juniper Junos' }),
    );
    await waitFor(() =>
      expect(listRequests.at(-1)?.get('platform')).toBe('juniper-junos'),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Site Any' }));
    await userEvent.click(screen.getByRole('option', { name: 'lon2' }));
    await waitFor(() => expect(listRequests.at(-1)?.get('site')).toBe('lon2'));
  });

  it("names an added platform package's devices as its backend module does, in the rows and the filter", async () => {
    devices.push(
      makeDevice('edge-09', {
        site: 'par1',
        platform: 'example-os',
        managementAddress: '127.0.10.19/24',
        managementIp: '127.0.10.19',
      }),
    );
    await renderDashboard();
    expect(
      await within(row('edge-09')).findByText('Example OS 7'),
    ).toBeInTheDocument();
    expect(within(row('edge-09')).queryByText('example-os')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Platform Any' }));
    await userEvent.click(screen.getByRole('option', { name: 'Example OS 7' }));
    await waitFor(() =>
      expect(listRequests.at(-1)?.get('platform')).toBe('example-os'),
    );
  });

  it('fixes a mismatch from the gear: Check Serial closes the dialog and the row turns green', async () => {
    server.use(
      http.post(
        `${ZTP_API}/devices/default/leaf-01/serial`,
        async ({ request }) => {
          const { newSerial } = (await request.json()) as { newSerial: string };
          const fixed = changeDevice('leaf-01', {
            expectedSerial: newSerial,
            serial: { ...devices[0].serial, state: 'checked' },
          });
          return HttpResponse.json({ outcome: 'checked', device: fixed });
        },
      ),
    );
    await renderDashboard();
    await userEvent.click(
      within(row('leaf-01')).getByRole('button', {
        name: 'Fix serial mismatch',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText('New Serial'),
      'FOC2148Z0AB',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check Serial' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(
      within(row('leaf-01')).getByText('Checked').closest('[data-tone]'),
    ).toHaveAttribute('data-tone', 'ok');
    expect(
      within(row('leaf-01')).queryByRole('button', {
        name: 'Fix serial mismatch',
      }),
    ).toBeNull();
  });

  it('applies a signal to the rows at once while the dialog stays open with its typed text', async () => {
    const signals = new MockSignalApi();
    await renderDashboard({ signals });
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(signals.channels()).toContain(ZTP_QUEUE_CHANNEL);

    await userEvent.click(
      within(row('leaf-01')).getByRole('button', {
        name: 'Fix serial mismatch',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('New Serial'), 'FOC21');

    const pushed = changeDevice('leaf-02', {
      confFinal: { state: 'pushed', pushedAt: '2026-01-10T10:01:00.000Z' },
    });
    const rechecked = changeDevice('leaf-01', {
      serial: { ...devices[0].serial, presentedSerial: 'FOC9999Z9ZZ' },
    });
    const message: ZtpQueueSignal = {
      type: 'devices-changed',
      devices: [pushed, rechecked],
      removed: ['resource:default/spine-01'],
    };
    signals.publish(ZTP_QUEUE_CHANNEL, message);

    // Applied from the message itself, before any refresh could answer.
    expect(within(row('leaf-02')).getByText('Pushed')).toBeInTheDocument();
    expect(screen.queryByTestId('device-row-spine-01')).toBeNull();
    expect(within(dialog).getByTestId('presented-serial')).toHaveTextContent(
      'FOC9999Z9ZZ',
    );
    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(within(dialog).getByLabelText('New Serial')).toHaveValue('FOC21');
  });

  it('shows the counters and the rows of one signal in the same render', async () => {
    const signals = new MockSignalApi();
    await renderDashboard({ signals });
    expect(screen.getByTestId('counter-checked')).toHaveTextContent('1');
    expect(screen.getByTestId('counter-pushed')).toHaveTextContent('0');

    const pushed = changeDevice('leaf-02', {
      confFinal: { state: 'pushed', pushedAt: '2026-01-10T10:01:00.000Z' },
    });
    const checked = changeDevice('leaf-01', {
      serial: { ...devices[0].serial, state: 'checked' },
    });
    const all = makeList(devices);
    const listsBefore = listRequests.length;
    signals.publish(ZTP_QUEUE_CHANNEL, {
      type: 'devices-changed',
      devices: [pushed, checked],
      removed: [],
      summary: all.summary,
    } satisfies ZtpQueueSignal);

    // No refresh in between: rows and counters moved together.
    expect(within(row('leaf-02')).getByText('Pushed')).toBeInTheDocument();
    expect(within(row('leaf-01')).getByText('Checked')).toBeInTheDocument();
    expect(screen.getByTestId('counter-checked')).toHaveTextContent('2');
    expect(screen.getByTestId('counter-mismatched')).toHaveTextContent('0');
    expect(screen.getByTestId('counter-pushed')).toHaveTextContent('1');
    expect(listRequests.length).toBe(listsBefore);
  });

  it('keeps the filters in the URL, and reads them back from it', async () => {
    const first = await renderDashboard({
      url: '/?serial=mismatch&q=leaf-0&other=kept',
    });
    // The URL's filters are applied from the first request on.
    expect(listRequests[0].get('serial')).toBe('mismatch');
    expect(listRequests[0].get('q')).toBe('leaf-0');
    expect(screen.getByLabelText('Search')).toHaveValue('leaf-0');
    expect(screen.queryByTestId('device-row-leaf-02')).toBeNull();

    // Changing a filter writes it to the URL, the others stay.
    await userEvent.click(
      screen.getByRole('button', { name: /^Serial checked/ }),
    );
    await screen.findByTestId('device-row-leaf-02');
    const history = first.apis.get(coreApis.appHistory)!;
    const search = new URLSearchParams(history.getSnapshot().location.search);
    expect(Object.fromEntries(search)).toEqual({
      serial: 'checked',
      q: 'leaf-0',
      other: 'kept',
    });
    first.unmount();

    // The same URL opened again (a reload, a shared link) shows the same view.
    listRequests = [];
    await renderDashboard({
      url: `/?${search.toString()}`,
      firstRow: 'leaf-02',
    });
    expect(listRequests[0].get('serial')).toBe('checked');
    expect(listRequests[0].get('q')).toBe('leaf-0');
    expect(screen.queryByTestId('device-row-leaf-01')).toBeNull();
    expect(
      screen.getByRole('button', { name: /^Serial checked/ }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('polls the queue when the app has no signals', async () => {
    await renderDashboard({ pollIntervalMs: 200 });
    expect(screen.getByText('Refreshing every 0.2 s')).toBeInTheDocument();
    expect(within(row('leaf-02')).getByText('Not Pushed')).toBeInTheDocument();
    changeDevice('leaf-02', { confFinal: { state: 'pushed' } });
    expect(
      await within(row('leaf-02')).findByText('Pushed'),
    ).toBeInTheDocument();
    expect(listRequests.length).toBeGreaterThan(1);
  });

  it('lets only Checked devices be selected for the bulk Conf Final (Push)', async () => {
    changeDevice('spine-01', {
      serial: { ...devices[2].serial, state: 'checked' },
      confFinal: { state: 'pushed' },
    });
    await renderDashboard();
    const leaf01 = await within(row('leaf-01')).findByRole('checkbox', {
      name: 'Select leaf-01',
    });
    const leaf02 = within(row('leaf-02')).getByRole('checkbox', {
      name: 'Select leaf-02',
    });
    expect(leaf01).toBeDisabled();
    expect(
      screen.queryByRole('button', { name: 'Conf Final (Push)' }),
    ).toBeNull();
    // A Provisioned device cannot be pushed again: not selectable, and why.
    const provisioned = within(row('spine-01')).getByRole('checkbox', {
      name: 'Select spine-01',
    });
    expect(provisioned).toBeDisabled();
    // The tooltip sits on the span around the disabled checkbox.
    await userEvent
      .setup({ pointerEventsCheck: 0 })
      .hover(provisioned.closest('td')!.querySelector(':scope > span')!);
    expect(
      await screen.findByText(
        'Already Provisioned: its bootstrap account was removed',
      ),
    ).toBeInTheDocument();
    await userEvent.click(leaf02);
    expect(screen.getByText('1 Checked device selected')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Conf Final (Push)' }),
    ).toBeEnabled();
  });

  it('says when the queue is empty, and when filters match nothing', async () => {
    devices = [];
    await renderInTestApp(<ZtpDashboard />, { apis: ztpTestApis() });
    expect(
      await screen.findByText(/No device in the ZTP queue yet/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Conf Min Any' }));
    await userEvent.click(screen.getByRole('option', { name: 'Loaded' }));
    expect(
      await screen.findByText('No device matches these filters.'),
    ).toBeInTheDocument();
  });

  it('shows the unknown devices below the queue table', async () => {
    unknownDevices = [
      {
        sourceIp: '127.0.0.9',
        identifier: 'mac 52:54:00:aa:bb:cc',
        count: 7,
        firstSeen: new Date(Date.now() - 3_600_000).toISOString(),
        lastSeen: new Date(Date.now() - 120_000).toISOString(),
      },
    ];
    await renderDashboard();
    const unknownRow = await screen.findByTestId('unknown-device-row');
    expect(
      within(unknownRow)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'mac 52:54:00:aa:bb:cc',
      '127.0.0.9',
      '7',
      '1 hour ago',
      '2 minutes ago',
    ]);
    const queueTable = row('leaf-01').closest('table')!;
    const unknownTable = screen.getByRole('table', { name: 'Unknown devices' });
    expect(unknownTable).not.toBe(queueTable);
    expect(
      // eslint-disable-next-line no-bitwise
      queueTable.compareDocumentPosition(unknownTable) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    // The queue's devices are not listed as unknown.
    expect(within(unknownTable).queryByText('leaf-01')).toBeNull();
  });

  it('says in the dashboard when no unknown device asked for a configuration', async () => {
    await renderDashboard();
    expect(
      await screen.findByText(
        'No unknown device has asked for a configuration.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Unknown devices')).toBeInTheDocument();
  });

  it('shows the backend error in the page when the queue cannot be read', async () => {
    server.use(
      http.get(`${ZTP_API}/devices`, () =>
        HttpResponse.json(
          ...backendError(403, 'You are not allowed to read the ZTP queue'),
        ),
      ),
    );
    await renderInTestApp(<ZtpDashboardPage />, { apis: ztpTestApis() });
    expect(
      await screen.findByText(/You are not allowed to read the ZTP queue/),
    ).toBeInTheDocument();
    expect(screen.getByText('ZTP')).toBeInTheDocument();
  });
});
