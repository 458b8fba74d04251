import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import type {
  ZtpDhcpApplyStatus,
  ZtpDhcpConfigView,
  ZtpDhcpLeaseList,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ZtpDhcpClient } from '../../api/ZtpDhcpClient';

/** Applies happen every few seconds at most; no signal tells of them. */
export const DHCP_POLL_INTERVAL_MS = 15_000;

export type DhcpOverview = {
  status: ZtpDhcpApplyStatus;
  config: ZtpDhcpConfigView;
  leases: ZtpDhcpLeaseList;
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
 * The apply status, the generated configuration's problems and the leases,
 * read again every `pollIntervalMs` while the page is visible. A failed
 * refresh keeps the last answer beside its error.
 */
export function useDhcpOverview(pollIntervalMs: number) {
  const client = useDhcpClient();
  const [overview, setOverview] = useState<DhcpOverview>();
  const [error, setError] = useState<unknown>();
  const aborter = useRef<AbortController>();

  const refresh = useCallback(async () => {
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    const { signal } = controller;
    try {
      const [status, config, leases] = await Promise.all([
        client.getStatus({ signal }),
        client.getKeaConfig('whole', { signal }),
        client.getLeases({ signal }),
      ]);
      if (signal.aborted) return;
      setOverview({ status, config, leases });
      setError(undefined);
    } catch (e) {
      if (!signal.aborted) setError(e);
    }
  }, [client]);

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

  return { overview, error, loading: overview === undefined && !error };
}
