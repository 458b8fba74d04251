import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The ZTP page in the new frontend system. */
export const rootRouteRef = createRouteRef();

/** The ZTP page in the legacy frontend system. */
export const legacyRootRouteRef = createLegacyRouteRef({ id: 'ztp' });

/** The ZTP tab of a device's entity page in the legacy frontend system. */
export const legacyEntityContentRouteRef = createLegacyRouteRef({
  id: 'ztp:entity-content',
});
