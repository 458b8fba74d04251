import { useCallback } from 'react';
import { useRouteRef, type RouteFunc } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';

/**
 * Returns a function giving a device's catalog page URL, or undefined when
 * the app has no catalog entity page to link to.
 */
export function useDeviceCatalogLink(): (
  entityRef: string,
) => string | undefined {
  let route: RouteFunc<typeof entityRouteRef.T> | undefined;
  try {
    // The call is unconditional: useRouteRef runs all its own hooks before it
    // throws for an unmounted route, so catching keeps the hook order stable.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    route = useRouteRef(entityRouteRef);
  } catch {
    route = undefined;
  }
  return useCallback(
    (entityRef: string) =>
      route
        ? route(entityRouteParams(entityRef, { encodeParams: true }))
        : undefined,
    [route],
  );
}
