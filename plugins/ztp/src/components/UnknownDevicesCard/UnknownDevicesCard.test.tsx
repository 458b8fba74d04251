import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  ZTP_QUEUE_CHANNEL,
  type ZtpUnknownDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { backendError } from '../../__testUtils__/fixtures';
import { MockSignalApi } from '../../__testUtils__/MockSignalApi';
import { formatDateTime } from '../../lib/format';
import { UnknownDevicesCard } from './UnknownDevicesCard';

const server = setupServer();
registerMswTestHooks(server);

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

function unknownDevice(o: Partial<ZtpUnknownDevice> = {}): ZtpUnknownDevice {
  return {
    sourceIp: '127.0.0.9',
    identifier: 'mac 52:54:00:aa:bb:cc',
    count: 12,
    firstSeen: minutesAgo(120),
    lastSeen: minutesAgo(3),
    ...o,
  };
}

/** The backend's unknown devices for one test; read on every request. */
let items: ZtpUnknownDevice[];
/** When set, the backend answers with this status instead. */
let failWith: number | undefined;
let requests: number;

beforeEach(() => {
  items = [];
  failWith = undefined;
  requests = 0;
  server.use(
    http.get(`${ZTP_API}/unknown-devices`, () => {
      requests++;
      if (failWith) {
        return HttpResponse.json(
          ...backendError(
            failWith,
            failWith === 403
              ? 'You are not allowed to read the ZTP queue'
              : 'The database is gone',
          ),
        );
      }
      return HttpResponse.json({ items });
    }),
  );
});

const rows = () => screen.queryAllByTestId('unknown-device-row');

describe('UnknownDevicesCard', () => {
  it('lists each unknown device with its identifier, source, count and times', async () => {
    const first = unknownDevice();
    items = [
      first,
      unknownDevice({
        sourceIp: '127.0.0.10',
        identifier: 'hostname leaf-99',
        count: 1,
        firstSeen: minutesAgo(60 * 26),
        lastSeen: minutesAgo(60 * 25),
      }),
      unknownDevice({
        sourceIp: '127.0.0.11',
        identifier: 'address 127.0.0.11',
        count: 4,
      }),
    ];
    await renderInTestApp(<UnknownDevicesCard />, { apis: ztpTestApis() });

    expect(await screen.findByText('Unknown devices')).toBeInTheDocument();
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(
      screen.getByText(
        /asked for a minimal configuration but match no declared device\. Check the MAC address, hostname or management address declared in the catalog/,
      ),
    ).toBeInTheDocument();
    for (const name of [
      'Identifier',
      'Source address',
      'Requests',
      'First seen',
      'Last seen',
    ]) {
      expect(screen.getByRole('columnheader', { name })).toBeInTheDocument();
    }

    const [mac, hostname, address] = rows();
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent);
    expect(cells(mac)).toEqual([
      'mac 52:54:00:aa:bb:cc',
      '127.0.0.9',
      '12',
      '2 hours ago',
      '3 minutes ago',
    ]);
    expect(cells(hostname)).toEqual([
      'hostname leaf-99',
      '127.0.0.10',
      '1',
      'yesterday',
      'yesterday',
    ]);
    expect(cells(address).slice(0, 3)).toEqual([
      'address 127.0.0.11',
      '127.0.0.11',
      '4',
    ]);
    // The exact times are in the titles of the relative ones.
    expect(within(mac).getByText('3 minutes ago')).toHaveAttribute(
      'title',
      formatDateTime(first.lastSeen),
    );
    expect(within(mac).getByText('2 hours ago')).toHaveAttribute(
      'title',
      formatDateTime(first.firstSeen),
    );
    expect(screen.getByTestId('unknown-devices-count')).toHaveTextContent('3');
  });

  it('says when no unknown device has asked for a configuration', async () => {
    await renderInTestApp(<UnknownDevicesCard />, { apis: ztpTestApis() });
    expect(
      await screen.findByText(
        'No unknown device has asked for a configuration.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByTestId('unknown-devices-count')).toBeNull();
  });

  it('shows the backend error when the unknown devices cannot be read', async () => {
    failWith = 403;
    await renderInTestApp(<UnknownDevicesCard />, { apis: ztpTestApis() });
    expect(
      await screen.findByText(/Could not load the unknown devices/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/You are not allowed to read the ZTP queue/).length,
    ).toBeGreaterThan(0);
    expect(rows()).toHaveLength(0);
  });

  it('polls, and keeps the rows beside the error when a refresh fails', async () => {
    items = [unknownDevice()];
    await renderInTestApp(<UnknownDevicesCard pollIntervalMs={100} />, {
      apis: ztpTestApis(),
    });
    await waitFor(() => expect(rows()).toHaveLength(1));

    items = [
      unknownDevice({ identifier: 'hostname leaf-99', sourceIp: '127.0.0.10' }),
      ...items,
    ];
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveTextContent('hostname leaf-99');

    failWith = 500;
    expect(
      await screen.findByText(
        /Could not refresh the unknown devices: The database is gone/,
      ),
    ).toBeInTheDocument();
    expect(rows()).toHaveLength(2);

    failWith = undefined;
    await waitFor(() =>
      expect(screen.queryByText(/Could not refresh/)).toBeNull(),
    );
    expect(rows()).toHaveLength(2);
  });

  it('refreshes after a signal on the queue channel', async () => {
    const signals = new MockSignalApi();
    await renderInTestApp(<UnknownDevicesCard pollIntervalMs={600_000} />, {
      apis: ztpTestApis({ signals }),
    });
    expect(
      await screen.findByText(
        'No unknown device has asked for a configuration.',
      ),
    ).toBeInTheDocument();
    expect(signals.channels()).toContain(ZTP_QUEUE_CHANNEL);
    const before = requests;

    items = [unknownDevice()];
    signals.publish(ZTP_QUEUE_CHANNEL, {
      type: 'devices-changed',
      devices: [],
      removed: [],
    });
    await waitFor(() => expect(rows()).toHaveLength(1), { timeout: 3000 });
    expect(requests).toBe(before + 1);
  });

  it('keeps polling at its own period when the app has signals', async () => {
    const signals = new MockSignalApi();
    items = [unknownDevice()];
    await renderInTestApp(<UnknownDevicesCard pollIntervalMs={100} />, {
      apis: ztpTestApis({ signals }),
    });
    await waitFor(() => expect(rows()).toHaveLength(1));
    // No signal arrives: unknown devices are seen by polling only.
    items = [...items, unknownDevice({ sourceIp: '127.0.0.20' })];
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(requests).toBeGreaterThan(1);
  });
});
