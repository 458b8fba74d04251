import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { makeDevice, makeList } from './__testUtils__/fixtures';
import { ztpTestApis, ZTP_API } from './__testUtils__/apis';
import { ztpApiRef } from './api';
import {
  ztpApi,
  ztpEntityContent,
  ztpEntityIdentityCard,
  ztpPage,
  ztpPlugin,
} from './alpha';
import defaultExport, { EntityZtpIdentityCard } from './index';
import { installedPlatformHandlers } from './__testUtils__/platformHandlers';
import { idleQueueHandlers } from './__testUtils__/idleQueueHandlers';

const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

const entity = (kind: string, type: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
  spec: { type },
});

describe('ztp plugin (new frontend system)', () => {
  it('is the default export, with the id ztp', () => {
    expect(defaultExport).toBe(ztpPlugin);
    expect(ztpPlugin.pluginId).toBe('ztp');
    expect(ztpPlugin.getExtension('page:ztp')).toBeDefined();
    expect(ztpPlugin.getExtension('entity-content:ztp')).toBeDefined();
    expect(ztpPlugin.getExtension('api:ztp')).toBeDefined();
    expect(ztpPlugin.getExtension('entity-card:ztp/identity')).toBeDefined();
  });

  it('provides the ZtpApi', () => {
    const factory = createExtensionTester(ztpApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api).toBe(ztpApiRef);
  });

  it('mounts the ZTP page at /ztp with a title and an icon for the sidebar', async () => {
    const tester = createExtensionTester(ztpPage, { apis: ztpTestApis() });
    expect(tester.get(coreExtensionData.routePath)).toBe('/ztp');
    expect(tester.get(coreExtensionData.title)).toBe('ZTP');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();

    server.use(
      http.get(`${ZTP_API}/devices`, () =>
        HttpResponse.json(makeList([makeDevice('leaf-01')])),
      ),
    );
    await renderInTestApp(tester.reactElement(), { apis: ztpTestApis() });
    // The page is lazy-loaded: give a busy machine more than the default 1 s.
    expect(
      await screen.findByText('ZTP Status Dashboard', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('device-row-leaf-01')).toBeInTheDocument();
  });

  it('adds the ZTP tab to network devices only', () => {
    const tester = createExtensionTester(ztpEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('ztp');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('ZTP');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter).toEqual(expect.any(Function));
    expect(filter(entity('Resource', 'network-device'))).toBe(true);
    expect(filter(entity('Resource', 'database'))).toBe(false);
    expect(filter(entity('Component', 'network-device'))).toBe(false);
  });

  it('adds the ZTP identity card to the info column of network devices only', () => {
    const tester = createExtensionTester(ztpEntityIdentityCard);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter).toEqual(expect.any(Function));
    expect(filter(entity('Resource', 'network-device'))).toBe(true);
    expect(filter(entity('Resource', 'database'))).toBe(false);
    expect(filter(entity('Component', 'network-device'))).toBe(false);
  });

  it('renders the card with a link to a tab the app moved', async () => {
    server.use(
      http.get(`${ZTP_API}/devices/default/leaf-01`, () =>
        HttpResponse.json({ device: makeDevice('leaf-01'), events: [] }),
      ),
    );
    // How the README tells apps to follow a tab given another path.
    const card = ztpPlugin.getExtension('entity-card:ztp/identity').override({
      params: {
        loader: async () => <EntityZtpIdentityCard ztpTabPath="provisioning" />,
      },
    });
    const tester = createExtensionTester(card, { apis: ztpTestApis() });
    await renderInTestApp(
      <EntityProvider
        entity={{
          ...entity('Resource', 'network-device'),
          metadata: { name: 'leaf-01' },
        }}
      >
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: ztpTestApis(),
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Mismatch', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open the ZTP tab/ }),
    ).toHaveAttribute('href', '/catalog/default/resource/leaf-01/provisioning');
  });
});
