import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import RouterIcon from '@material-ui/icons/Router';
import { NETWORK_DEVICE_TYPE } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef, ZtpClient } from './api';
import { rootRouteRef } from './routes';

/** The ZtpApi, talking to the ztp backend plugin. */
export const ztpApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ztpApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new ZtpClient({ discoveryApi, fetchApi }),
    }),
});

/** The ZTP page at /ztp, listed in the sidebar as "ZTP". */
export const ztpPage = PageBlueprint.make({
  params: {
    path: '/ztp',
    title: 'ZTP',
    icon: <RouterIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/ZtpDashboardPage').then(m => <m.ZtpDashboard />),
  },
});

/** The entities the ZTP tab and card belong on. */
const networkDeviceFilter = {
  kind: 'resource',
  'spec.type': NETWORK_DEVICE_TYPE,
};

/** The ZTP tab of network devices' entity pages. */
export const ztpEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'ztp',
    title: 'ZTP',
    filter: networkDeviceFilter,
    loader: () =>
      import('./components/EntityZtpContent').then(m => <m.EntityZtpContent />),
  },
});

/** The ZTP identity card on the Overview tab of network devices. */
export const ztpEntityIdentityCard = EntityCardBlueprint.make({
  name: 'identity',
  params: {
    type: 'info',
    filter: networkDeviceFilter,
    loader: () =>
      import('./components/EntityZtpIdentityCard').then(m => (
        <m.EntityZtpIdentityCard />
      )),
  },
});

/**
 * The Scaffolder form field `ZtpPlatformPicker`: the installed platforms as
 * the choices of "Declare a network device".
 */
export const ztpPlatformPickerField = FormFieldBlueprint.make({
  name: 'platform-picker',
  params: {
    field: () =>
      import('./components/ZtpPlatformPicker').then(
        m => m.ztpPlatformPickerFormField,
      ),
  },
});

/**
 * The ZTP plugin for the new frontend system: the API, the /ztp page with its
 * sidebar item, the ZTP tab of network devices and their ZTP identity card.
 * @public
 */
export const ztpPlugin = createFrontendPlugin({
  pluginId: 'ztp',
  title: 'ZTP',
  icon: <RouterIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    ztpApi,
    ztpPage,
    ztpEntityContent,
    ztpEntityIdentityCard,
    ztpPlatformPickerField,
  ],
});
