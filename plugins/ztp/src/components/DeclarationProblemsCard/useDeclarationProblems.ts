import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ZtpDeclarationProblem } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';

/**
 * How often the refused declarations are read again: the catalog processes
 * each entity every few minutes, and no signal tells of it.
 */
export const DECLARATION_PROBLEMS_POLL_INTERVAL_MS = 30_000;

/**
 * The declarations the catalog refused, read again every `pollIntervalMs`
 * while the page is visible. A failed refresh keeps the rows on screen
 * beside its error.
 */
export function useDeclarationProblems(pollIntervalMs: number) {
  const api = useApi(ztpApiRef);
  const [items, setItems] = useState<ZtpDeclarationProblem[]>();
  const [error, setError] = useState<unknown>();
  const aborter = useRef<AbortController>();

  const refresh = useCallback(async () => {
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    try {
      const list = await api.listDeclarationProblems({
        signal: controller.signal,
      });
      if (controller.signal.aborted) return;
      setItems(list.items);
      setError(undefined);
    } catch (e) {
      if (!controller.signal.aborted) setError(e);
    }
  }, [api]);

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

  return { items, error, loading: items === undefined && !error };
}
