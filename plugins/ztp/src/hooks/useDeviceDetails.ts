import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  ZtpDevice,
  ZtpDeviceDetails,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../api';

/**
 * A device and its timeline, reloaded quietly on demand; a device state from
 * a signal or an action is applied at once when it is newer.
 */
export function useDeviceDetails(entityRef: string) {
  const api = useApi(ztpApiRef);
  const [details, setDetails] = useState<ZtpDeviceDetails>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const requestId = useRef(0);
  const aborter = useRef<AbortController>();

  const load = useCallback(async () => {
    const id = ++requestId.current;
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    try {
      const fresh = await api.getDevice(entityRef, {
        signal: controller.signal,
      });
      if (id !== requestId.current) return;
      // Keep a newer device state that arrived while this request ran.
      setDetails(current =>
        current &&
        current.device.entityRef === fresh.device.entityRef &&
        Date.parse(current.device.updatedAt) >
          Date.parse(fresh.device.updatedAt)
          ? { ...fresh, device: current.device }
          : fresh,
      );
      setError(undefined);
    } catch (e) {
      if (id !== requestId.current || controller.signal.aborted) return;
      setError(e);
    } finally {
      if (id === requestId.current) setLoading(false);
    }
  }, [api, entityRef]);

  useEffect(() => {
    setDetails(undefined);
    setLoading(true);
    load();
    return () => aborter.current?.abort();
  }, [load]);

  const latest = useRef(details);
  latest.current = details;

  const applyDevice = useCallback(
    (device: ZtpDevice) => {
      // First news of a device that was not in the queue yet: load it all.
      if (!latest.current) {
        load();
        return;
      }
      setDetails(current =>
        current &&
        Date.parse(device.updatedAt) >= Date.parse(current.device.updatedAt)
          ? { ...current, device }
          : current,
      );
    },
    [load],
  );

  return { details, error, loading, refresh: load, applyDevice };
}
