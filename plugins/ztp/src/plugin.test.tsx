import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis } from '@backstage/frontend-test-utils';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { makeDevice } from './__testUtils__/fixtures';
import { TEST_BACKEND, ZTP_API } from './__testUtils__/apis';
import { ztpApiRef, ZtpClient } from './api';
import {
  EntityZtpContent,
  EntityZtpIdentityCard,
  ztpLegacyPlugin,
  ZtpDashboardPage,
} from './plugin';
import { installedPlatformHandlers } from './__testUtils__/platformHandlers';

const server = setupServer(...installedPlatformHandlers());
registerMswTestHooks(server);

describe('ztp plugin (legacy frontend system)', () => {
  it('registers the ZtpApi under the plugin id ztp', () => {
    expect(ztpLegacyPlugin.getId()).toBe('ztp');
    const apis = [...ztpLegacyPlugin.getApis()];
    expect(apis.map(f => f.api)).toEqual([ztpApiRef]);
  });

  it('provides the page and the entity tab as routable extensions', () => {
    expect(ZtpDashboardPage).toEqual(expect.any(Function));
    expect(EntityZtpContent).toEqual(expect.any(Function));
  });

  it('renders the identity card on a legacy entity page', async () => {
    server.use(
      http.get(`${ZTP_API}/devices/default/leaf-01`, () =>
        HttpResponse.json({ device: makeDevice('leaf-01'), events: [] }),
      ),
    );
    const ztpApi = new ZtpClient({
      discoveryApi: mockApis.discovery({ baseUrl: TEST_BACKEND }),
      fetchApi: mockApis.fetch(),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[ztpApiRef, ztpApi]]}>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: {
              name: 'leaf-01',
              namespace: 'default',
              annotations: { 'ztp.network/serial-number': 'FOC2148Z0AB' },
            },
            spec: { type: 'network-device' },
          }}
        >
          <EntityZtpIdentityCard variant="gridItem" />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('ZTP identity')).toBeInTheDocument();
    expect(await screen.findByText('Mismatch')).toBeInTheDocument();
    expect(screen.getByText('FOC2148Z0AB')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open the ZTP tab/ }),
    ).toHaveAttribute('href', '/catalog/default/resource/leaf-01/ztp');
  });
});
