import { act, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice, makeEvent } from '../../__testUtils__/fixtures';
import { EntityZtpContent } from '../EntityZtpContent';
import { ReplacementListCard } from './ReplacementListCard';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// A user without ztp.device.replace. (usePermission caches answers in a
// module-wide SWR cache, hence one permission setup per test file.)
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'leaf-01', namespace: 'default' },
  spec: { type: 'network-device', owner: 'group:default/network-operators' },
};

describe('replacement actions without ztp.device.replace', () => {
  it('offers neither Replace device nor Re-provision on the ZTP tab, nor the replacement list', async () => {
    server.use(
      http.get(`${ZTP_API}/devices/default/leaf-01`, () =>
        HttpResponse.json({
          device: makeDevice('leaf-01', { confFinal: { state: 'pushed' } }),
          events: [makeEvent(1, 'resource:default/leaf-01')],
        }),
      ),
    );
    const apis = ztpTestApis({ deny: ['ztp.device.replace'] });
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityZtpContent />
        <ReplacementListCard />
      </EntityProvider>,
      { apis },
    );
    await screen.findByText('Timeline');
    await waitFor(() =>
      expect(apis.askedPermissions).toContain('ztp.device.replace'),
    );
    // Let the denial render.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));
    expect(screen.queryByRole('button', { name: 'Replace device' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Re-provision' })).toBeNull();
    expect(screen.queryByLabelText('Replacement list (CSV)')).toBeNull();
  });
});
