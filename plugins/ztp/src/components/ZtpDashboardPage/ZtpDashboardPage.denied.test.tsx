import { act, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice, makeList } from '../../__testUtils__/fixtures';
import { ZtpDashboard } from './ZtpDashboardPage';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// A reader without any ZTP action permission. (usePermission caches answers
// in a module-wide SWR cache, hence one permission setup per test file.)
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

describe('ZtpDashboard for a user who may only read', () => {
  it('shows the Mismatch without the gear, and no selection for the push', async () => {
    server.use(
      http.get(`${ZTP_API}/devices`, () =>
        HttpResponse.json(
          makeList([
            makeDevice('leaf-01'),
            makeDevice('leaf-02', { serial: { state: 'checked' } }),
          ]),
        ),
      ),
    );
    const apis = ztpTestApis({ deny: ['*'] });
    await renderInTestApp(<ZtpDashboard />, { apis });
    const row = await screen.findByTestId('device-row-leaf-01');
    await waitFor(() =>
      expect(apis.askedPermissions).toEqual(
        expect.arrayContaining([
          'ztp.serial.update',
          'ztp.credentials.reveal',
          'ztp.config.push',
        ]),
      ),
    );
    // Let the denials render.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));
    expect(within(row).getByText('Mismatch')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('device-row-leaf-02')).getByText('Checked'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Fix serial mismatch' }),
    ).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Conf Final (Push)' }),
    ).toBeNull();
  });
});
