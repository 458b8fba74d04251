import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  ZtpDevice,
  ZtpDeviceList,
  ZtpDeviceListQuery,
  ZtpQueueSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';

/** How long a list request runs before the loading bar shows. */
export const SHOW_LOADING_AFTER_MS = 250;

/** A change learnt outside a list request: a device's new state, or its removal. */
type PendingChange = { seq: number; device?: ZtpDevice };

function isNewer(a: ZtpDevice, b: ZtpDevice): boolean {
  return Date.parse(a.updatedAt) >= Date.parse(b.updatedAt);
}

/**
 * One page of the ZTP queue for a query, kept current by applying device
 * changes in place (from signals or actions) and by quiet refreshes that
 * never clear the rows on screen.
 *
 * A refresh answered after a change arrived could be older than that change;
 * changes are therefore remembered until a list request that started after
 * them has been answered.
 */
export function useDeviceQueue(query: ZtpDeviceListQuery) {
  const api = useApi(ztpApiRef);
  const [list, setList] = useState<ZtpDeviceList>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);

  const pending = useRef(new Map<string, PendingChange>());
  const seq = useRef(0);
  const requestId = useRef(0);
  const aborter = useRef<AbortController>();
  const queryRef = useRef(query);
  queryRef.current = query;

  const load = useCallback(
    async (quiet: boolean) => {
      const id = ++requestId.current;
      const startedAtSeq = seq.current;
      aborter.current?.abort();
      const controller = new AbortController();
      aborter.current = controller;
      // The bar shows only for a request that takes a while: most answer
      // in tens of ms, and drawing it (an animation, and a render of the
      // whole page) delayed the rows it announced.
      const showLoading = quiet
        ? undefined
        : setTimeout(() => {
            if (id === requestId.current) setLoading(true);
          }, SHOW_LOADING_AFTER_MS);
      try {
        const fresh = await api.listDevices(queryRef.current, {
          signal: controller.signal,
        });
        if (id !== requestId.current) return;
        const changes = pending.current;
        setList({
          ...fresh,
          items: fresh.items
            .filter(
              d =>
                !(
                  changes.has(d.entityRef) && !changes.get(d.entityRef)!.device
                ),
            )
            .map(d => {
              const changed = changes.get(d.entityRef)?.device;
              return changed && isNewer(changed, d) ? changed : d;
            }),
        });
        for (const [ref, change] of changes) {
          if (change.seq <= startedAtSeq) changes.delete(ref);
        }
        setError(undefined);
      } catch (e) {
        if (id !== requestId.current || controller.signal.aborted) return;
        setError(e);
      } finally {
        clearTimeout(showLoading);
        if (id === requestId.current) setLoading(false);
      }
    },
    [api],
  );

  const queryKey = JSON.stringify(query);
  useEffect(() => {
    load(false);
  }, [load, queryKey]);

  useEffect(() => () => aborter.current?.abort(), []);

  /** Reloads the current page without a loading state. */
  const refresh = useCallback(() => load(true), [load]);

  /**
   * Applies devices' new states to the rows on screen, at once, with the
   * counters that came with them (one render: counters never lag the rows).
   */
  const applyDevices = useCallback(
    (
      devices: ZtpDevice[],
      removed: string[] = [],
      summary?: ZtpQueueSummary,
    ) => {
      for (const device of devices) {
        pending.current.set(device.entityRef, { seq: ++seq.current, device });
      }
      for (const ref of removed) {
        pending.current.set(ref, { seq: ++seq.current });
      }
      if (devices.length === 0 && removed.length === 0 && !summary) return;
      const byRef = new Map(devices.map(d => [d.entityRef, d]));
      const gone = new Set(removed);
      setList(current => {
        if (!current) return current;
        let changed = false;
        const items: ZtpDevice[] = [];
        for (const item of current.items) {
          if (gone.has(item.entityRef)) {
            changed = true;
            continue;
          }
          const next = byRef.get(item.entityRef);
          if (next && next !== item && isNewer(next, item)) {
            changed = true;
            items.push(next);
          } else {
            items.push(item);
          }
        }
        if (summary) return { ...current, items, summary };
        return changed ? { ...current, items } : current;
      });
    },
    [],
  );

  return { list, error, loading, refresh, applyDevices };
}
