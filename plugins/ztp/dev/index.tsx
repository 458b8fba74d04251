import {
  ApiBlueprint,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import { createDevApp } from '@backstage/frontend-dev-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import ztpPlugin, { ztpApiRef } from '../src';
import { FakeZtpApi } from './FakeZtpApi';

// `yarn start` in this folder serves the ZTP page (at /ztp) without a backend:
// the plugin's API is replaced by an in-memory queue and every permission is
// granted. The dev app has no catalog, so /ztp-device shows one device's ZTP
// tab on its own. Run `yarn start` at the repository root for the real thing.
const fakeBackend = createFrontendModule({
  pluginId: 'ztp',
  extensions: [
    PageBlueprint.make({
      name: 'device',
      params: {
        path: '/ztp-device',
        title: 'ZTP device (dev)',
        loader: () =>
          import('../src/components/EntityZtpContent').then(m => (
            <Content>
              <m.ZtpDeviceContent entityRef="resource:default/leaf-002" />
            </Content>
          )),
      },
    }),
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: ztpApiRef,
          deps: {},
          factory: () => new FakeZtpApi(),
        }),
    }),
  ],
});

const allowEverything = createFrontendModule({
  pluginId: 'app',
  extensions: [
    ApiBlueprint.make({
      name: 'permission',
      params: defineParams =>
        defineParams({
          api: permissionApiRef,
          deps: {},
          factory: () => ({
            authorize: async () => ({ result: AuthorizeResult.ALLOW }),
          }),
        }),
    }),
  ],
});

createDevApp({ features: [ztpPlugin, fakeBackend, allowEverything] });
