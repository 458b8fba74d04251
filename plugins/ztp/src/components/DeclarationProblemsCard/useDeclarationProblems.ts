import { useCallback } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { ztpApiRef } from '../../api';
import { usePolledValue } from '../../hooks/usePolledValue';

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
  const load = useCallback(
    async (signal: AbortSignal) =>
      (await api.listDeclarationProblems({ signal })).items,
    [api],
  );
  const { value, error, loading } = usePolledValue(load, pollIntervalMs);
  return { items: value, error, loading };
}
