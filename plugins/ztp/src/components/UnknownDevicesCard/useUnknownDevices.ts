import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ZTP_QUEUE_CHANNEL,
  type ZtpUnknownDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { useZtpLiveUpdates } from '../../hooks/useZtpLiveUpdates';

/**
 * How often the unknown devices are read again. The backend sends no signal
 * when an unknown device asks for a configuration, so this polling goes on
 * even when the app has signals.
 */
export const UNKNOWN_DEVICES_POLL_INTERVAL_MS = 15_000;

/**
 * The unknown devices the backend recorded, kept current: read again every
 * `pollIntervalMs` while the page is visible, and shortly after each message
 * on the queue channel (a device declared, corrected or removed). Refreshes
 * are quiet: the rows on screen stay until the answer arrives, and a failed
 * refresh keeps them beside its error.
 */
export function useUnknownDevices(
  options: {
    pollIntervalMs?: number;
    refreshAfterSignalMs?: number;
  } = {},
) {
  const {
    pollIntervalMs = UNKNOWN_DEVICES_POLL_INTERVAL_MS,
    refreshAfterSignalMs,
  } = options;
  const api = useApi(ztpApiRef);
  const [items, setItems] = useState<ZtpUnknownDevice[]>();
  const [error, setError] = useState<unknown>();

  const requestId = useRef(0);
  const aborter = useRef<AbortController>();

  const refresh = useCallback(async () => {
    const id = ++requestId.current;
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    try {
      const list = await api.listUnknownDevices({ signal: controller.signal });
      if (id !== requestId.current) return;
      setItems(list.items);
      setError(undefined);
    } catch (e) {
      if (id !== requestId.current || controller.signal.aborted) return;
      setError(e);
    }
  }, [api]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  useEffect(() => () => aborter.current?.abort(), []);

  // The dashboard's live updates: a refresh shortly after queue signals
  // (throttled), and polling at pollIntervalMs when there are no signals.
  const { isSignalsAvailable } = useZtpLiveUpdates<unknown>({
    channel: ZTP_QUEUE_CHANNEL,
    onSignal: () => {},
    onRefresh: refresh,
    pollIntervalMs,
    refreshAfterSignalMs,
  });

  // With signals the hook above slows its polling down to a safety refresh,
  // but no signal tells of unknown devices: keep polling at pollIntervalMs.
  useEffect(() => {
    if (!isSignalsAvailable) return undefined;
    const interval = setInterval(() => {
      if (document.visibilityState !== 'hidden') refresh();
    }, pollIntervalMs);
    return () => clearInterval(interval);
  }, [isSignalsAvailable, pollIntervalMs, refresh]);

  return {
    items,
    error,
    loading: items === undefined && error === undefined,
    refresh,
  };
}
