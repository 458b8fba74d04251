import { useCallback, useMemo } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import type {
  ZtpDhcpApplyStatus,
  ZtpDhcpSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ZtpDhcpClient } from '../../api/ZtpDhcpClient';
import { usePolledValue } from '../../hooks/usePolledValue';
import { SHORT_LIST_LENGTH } from './ShortList';

/** Applies happen every few seconds at most; no signal tells of them. */
export const DHCP_POLL_INTERVAL_MS = 15_000;

export type DhcpOverview = {
  status: ZtpDhcpApplyStatus;
  summary: ZtpDhcpSummary;
};

/** The DHCP client of the page (the app's discovery and fetch). */
export function useDhcpClient(): ZtpDhcpClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new ZtpDhcpClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}

/**
 * The apply status and the summary of the generated configuration and the
 * leases (counts and first entries: the whole lists are megabytes at
 * 10,000 devices and are read only when the user asks for them), read again every `pollIntervalMs` while the page is visible. A failed
 * refresh keeps the last answer beside its error.
 */
export function useDhcpOverview(pollIntervalMs: number) {
  const client = useDhcpClient();
  const load = useCallback(
    async (signal: AbortSignal): Promise<DhcpOverview> => {
      const [status, summary] = await Promise.all([
        client.getStatus({ signal }),
        client.getSummary({ limit: SHORT_LIST_LENGTH, signal }),
      ]);
      return { status, summary };
    },
    [client],
  );
  const { value, error, loading } = usePolledValue(load, pollIntervalMs);
  return { overview: value, error, loading };
}
