import { useCallback, useMemo } from 'react';
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
import { usePolledValue } from '../../hooks/usePolledValue';

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
  const load = useCallback(
    async (signal: AbortSignal): Promise<DhcpOverview> => {
      const [status, config, leases] = await Promise.all([
        client.getStatus({ signal }),
        client.getKeaConfig('whole', { signal }),
        client.getLeases({ signal }),
      ]);
      return { status, config, leases };
    },
    [client],
  );
  const { value, error, loading } = usePolledValue(load, pollIntervalMs);
  return { overview: value, error, loading };
}
