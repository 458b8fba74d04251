import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ztpApiRef, ZtpClient } from './api';
import { legacyEntityContentRouteRef, legacyRootRouteRef } from './routes';

/**
 * The ZTP plugin for apps on the legacy frontend system.
 * @public
 */
export const ztpLegacyPlugin = createPlugin({
  id: 'ztp',
  apis: [
    createApiFactory({
      api: ztpApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ZtpClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyRootRouteRef },
});

/**
 * The ZTP dashboard page (legacy frontend system): route it at /ztp.
 * @public
 */
export const ZtpDashboardPage = ztpLegacyPlugin.provide(
  createRoutableExtension({
    name: 'ZtpDashboardPage',
    component: () =>
      import('./components/ZtpDashboardPage').then(m => m.ZtpDashboardPage),
    mountPoint: legacyRootRouteRef,
  }),
);

/**
 * The ZTP tab of a network device's entity page (legacy frontend system).
 * @public
 */
export const EntityZtpContent = ztpLegacyPlugin.provide(
  createRoutableExtension({
    name: 'EntityZtpContent',
    component: () =>
      import('./components/EntityZtpContent').then(m => m.EntityZtpContent),
    mountPoint: legacyEntityContentRouteRef,
  }),
);

/**
 * The ZTP identity card of a network device, for the Overview of its entity
 * page (legacy frontend system).
 * @public
 */
export const EntityZtpIdentityCard = ztpLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityZtpIdentityCard',
    component: {
      lazy: () =>
        import('./components/EntityZtpIdentityCard').then(
          m => m.EntityZtpIdentityCard,
        ),
    },
  }),
);
