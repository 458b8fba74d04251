import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { platformDisplayName } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef, type ZtpApi } from '../api';

type Names = ReadonlyMap<string, string>;

/** One request per API client for the whole page, however many rows ask. */
const loaded = new WeakMap<ZtpApi, Names>();
const loading = new WeakMap<ZtpApi, Promise<Names>>();

function loadNames(api: ZtpApi): Promise<Names> {
  let pending = loading.get(api);
  if (!pending) {
    pending = api
      .listPlatforms()
      .then(list => {
        const names = new Map(list.items.map(p => [p.id, p.displayName]));
        loaded.set(api, names);
        return names;
      })
      .catch(() => {
        // The shipped names (or the id) stand in; ask again on next mount.
        loading.delete(api);
        return new Map<string, string>();
      });
    loading.set(api, pending);
  }
  return pending;
}

/**
 * A platform id's display name as its installed backend module declares
 * it (GET /api/ztp/platforms), so that an added platform package shows its
 * own name on the dashboard and the device pages, not its id.
 */
export function usePlatformDisplayName(): (id: string) => string {
  const api = useApi(ztpApiRef);
  const [names, setNames] = useState<Names | undefined>(() => loaded.get(api));
  useEffect(() => {
    if (names) return undefined;
    let mounted = true;
    void loadNames(api).then(n => mounted && setNames(n));
    return () => {
      mounted = false;
    };
  }, [api, names]);
  return useCallback(
    (id: string) => names?.get(id) ?? platformDisplayName(id),
    [names],
  );
}
