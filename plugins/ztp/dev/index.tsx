import type { Entity } from '@backstage/catalog-model';
import { Content } from '@backstage/core-components';
import {
  ApiBlueprint,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { createDevApp } from '@backstage/frontend-dev-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import Grid from '@material-ui/core/Grid';
import ztpPlugin, { ztpApiRef } from '../src';
import { FakeZtpApi } from './FakeZtpApi';

// `yarn start` in this folder serves the ZTP page (at /ztp) without a backend:
// the plugin's API is replaced by an in-memory queue and every permission is
// granted. The dev app has no catalog, so /ztp-device shows one device's ZTP
// identity card and ZTP tab on their own. Run `yarn start` at the repository
// root for the real thing.

// The catalog entity of leaf-002 as FakeZtpApi imagines it.
const devDevice: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'leaf-002',
    namespace: 'default',
    annotations: {
      'ztp.network/serial-number': 'TMP0002',
      'ztp.network/serial-temporary': 'true',
      'ztp.network/platform': 'arista-eos',
      'ztp.network/management-address': '127.0.10.12/24',
      'ztp.network/default-gateway': '127.0.10.1',
      'ztp.network/mac-address': '00:1c:73:00:00:02',
      'ztp.network/hostname': 'leaf-002',
      'ztp.network/site': 'fra1',
      'ztp.network/role': 'leaf',
      'ztp.network/variables': './variables/leaf-002.yaml',
    },
  },
  spec: { type: 'network-device', owner: 'group:default/network-operators' },
};

const fakeBackend = createFrontendModule({
  pluginId: 'ztp',
  extensions: [
    PageBlueprint.make({
      name: 'device',
      params: {
        path: '/ztp-device',
        title: 'ZTP device (dev)',
        loader: async () => {
          const [{ EntityZtpIdentityCard }, { ZtpDeviceContent }] =
            await Promise.all([
              import('../src/components/EntityZtpIdentityCard'),
              import('../src/components/EntityZtpContent'),
            ]);
          return (
            <Content>
              <Grid container spacing={3}>
                <Grid item xs={12} md={4}>
                  <EntityProvider entity={devDevice}>
                    <EntityZtpIdentityCard />
                  </EntityProvider>
                </Grid>
                <Grid item xs={12}>
                  <ZtpDeviceContent entityRef="resource:default/leaf-002" />
                </Grid>
              </Grid>
            </Content>
          );
        },
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
