import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A value read by `load` now and again every `pollIntervalMs` while the page
 * is visible, for what no signal tells of. A newer read aborts the one in
 * flight; a failed read keeps the last value beside its error. `load` must
 * be stable (memoised on what it reads from), or every render reads again.
 */
export function usePolledValue<T>(
  load: (signal: AbortSignal) => Promise<T>,
  pollIntervalMs: number,
) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>();
  const aborter = useRef<AbortController>();

  const refresh = useCallback(async () => {
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    const { signal } = controller;
    try {
      const next = await load(signal);
      if (signal.aborted) return;
      setValue(next);
      setError(undefined);
    } catch (e) {
      if (!signal.aborted) setError(e);
    }
  }, [load]);

  useEffect(() => {
    refresh();
    const interval = setInterval(() => {
      if (document.visibilityState !== 'hidden') refresh();
    }, pollIntervalMs);
    return () => {
      clearInterval(interval);
      aborter.current?.abort();
    };
  }, [refresh, pollIntervalMs]);

  return { value, error, loading: value === undefined && !error };
}
