import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice, makeEvent, makeList } from '../../__testUtils__/fixtures';
import { ZtpDashboard } from '../ZtpDashboardPage';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// The dashboard for an operator allowed to replace devices.
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

const stuck = makeDevice('leaf-01', {
  serial: { state: 'not-checked', presentedSerial: undefined },
  lastEvent: makeEvent(4, 'resource:default/leaf-01', {
    type: 'serial.check-failed',
    message: 'unreachable: connect ECONNREFUSED 127.0.10.11:22',
  }),
  stuck: {
    since: '2026-12-03T09:00:00.000Z',
    minutes: 95,
    state: 'Conf Min Loaded, Serial Not Checked',
  },
});

describe('the dashboard with replacements', () => {
  it('flags a stuck device in its row, lists it among the stuck devices, and replaces a device from its row', async () => {
    let devices: ZtpDevice[] = [
      stuck,
      makeDevice('leaf-02', { serial: { state: 'checked' } }),
    ];
    const replaced: unknown[] = [];
    server.use(
      http.get(`${ZTP_API}/devices`, () =>
        HttpResponse.json(makeList(devices)),
      ),
      http.get(`${ZTP_API}/stuck-devices`, () =>
        HttpResponse.json({
          afterMinutes: 30,
          items: devices.filter(d => d.stuck),
        }),
      ),
      http.post(
        `${ZTP_API}/devices/default/leaf-02/replace`,
        async ({ request }) => {
          replaced.push(await request.json());
          const device = makeDevice('leaf-02', {
            confMin: { state: 'not-loaded', fetchCount: 0 },
            serial: { state: 'not-checked', presentedSerial: undefined },
            replacement: {
              kind: 'replacement',
              requestedBy: 'user:default/jane',
              requestedAt: '2026-12-03T10:00:00.000Z',
              previousSerial: 'TMP0001',
              learnSerial: true,
              autoPush: true,
            },
          });
          devices = [stuck, device];
          return HttpResponse.json(device);
        },
      ),
    );
    await renderInTestApp(<ZtpDashboard />, { apis: ztpTestApis() });
    const row = await screen.findByTestId('device-row-leaf-01');
    expect(within(row).getByText('Stuck 1 h 35 min')).toBeInTheDocument();
    expect(await screen.findByTestId('stuck-leaf-01')).toHaveTextContent(
      'leaf-01: Conf Min Loaded, Serial Not Checked for 1 h 35 min',
    );

    const other = screen.getByTestId('device-row-leaf-02');
    await userEvent.click(
      await within(other).findByRole('button', { name: 'Replace leaf-02' }),
    );
    const dialog = await screen.findByRole('dialog');
    // Both left empty: the serial is learned, the MAC stays.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replace device' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(replaced).toEqual([{}]);
    await waitFor(() =>
      expect(
        within(screen.getByTestId('device-row-leaf-02')).getByText(
          'Replacement',
        ),
      ).toBeInTheDocument(),
    );
    expect(
      within(screen.getByTestId('device-row-leaf-02')).getByText('Not Loaded'),
    ).toBeInTheDocument();
  });
});
