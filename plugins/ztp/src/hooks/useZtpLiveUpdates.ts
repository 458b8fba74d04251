import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';

/** How often to poll when the app has no signals (signalApi not installed). */
export const DEFAULT_POLL_INTERVAL_MS = 10_000;

/**
 * How often to refresh even with signals, because the signal API does not say
 * when its WebSocket is down: a dropped connection is then noticed this late.
 */
export const SIGNALS_SAFETY_REFRESH_MS = 60_000;

/** Delay between a signal and the refresh that follows it (coalesces storms). */
export const DEFAULT_REFRESH_AFTER_SIGNAL_MS = 1_000;

export type ZtpLiveUpdatesOptions<TMessage> = {
  /** Signal channel, e.g. ZTP_QUEUE_CHANNEL. */
  channel: string;
  /**
   * Applies a message at once, e.g. by patching the visible rows. Returns
   * false when the message is not about what the view shows: no refresh
   * follows (a device's page ignores a storm of other devices).
   */
  onSignal: (message: TMessage) => boolean | void;
  /** Reloads from the backend (counters, rows that entered or left a filter). */
  onRefresh: () => void;
  pollIntervalMs?: number;
  refreshAfterSignalMs?: number;
};

/**
 * Keeps a view live: applies each signal when it arrives and then refreshes
 * the view once, shortly after (throttled, so a boot storm costs at most one
 * request per delay). Without signals it polls while the page is visible, as
 * Backstage's notifications plugin does.
 */
export function useZtpLiveUpdates<TMessage>(
  options: ZtpLiveUpdatesOptions<TMessage>,
): { isSignalsAvailable: boolean } {
  const {
    channel,
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
    refreshAfterSignalMs = DEFAULT_REFRESH_AFTER_SIGNAL_MS,
  } = options;
  // The message types of ztp-common are not JsonObject (event details are
  // Record<string, unknown>), so the hook is asked for plain JSON and the
  // message is typed here.
  const { lastSignal, isSignalsAvailable } = useSignal(channel);

  const callbacks = useRef(options);
  callbacks.current = options;
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => {
    if (!lastSignal) return;
    const message = lastSignal as unknown as TMessage;
    if (callbacks.current.onSignal(message) === false) return;
    if (refreshTimer.current === undefined) {
      refreshTimer.current = setTimeout(() => {
        refreshTimer.current = undefined;
        callbacks.current.onRefresh();
      }, refreshAfterSignalMs);
    }
  }, [lastSignal, refreshAfterSignalMs]);

  useEffect(
    () => () => {
      clearTimeout(refreshTimer.current);
      refreshTimer.current = undefined;
    },
    [],
  );

  useEffect(() => {
    const every = isSignalsAvailable
      ? Math.max(pollIntervalMs, SIGNALS_SAFETY_REFRESH_MS)
      : pollIntervalMs;
    const interval = setInterval(() => {
      if (document.visibilityState !== 'hidden') {
        callbacks.current.onRefresh();
      }
    }, every);
    return () => clearInterval(interval);
  }, [isSignalsAvailable, pollIntervalMs]);

  return { isSignalsAvailable };
}
