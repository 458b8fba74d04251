import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ZtpDhcpApplyStatus,
  ZtpDhcpConfigPart,
  ZtpDhcpConfigView,
  ZtpDhcpLeaseList,
  ZtpDhcpSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** The DHCP part of the ztp backend's API. @public */
export class ZtpDhcpClient {
  constructor(
    private readonly options: {
      discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
      fetchApi: Pick<FetchApi, 'fetch'>;
    },
  ) {}

  getKeaConfig(
    part: ZtpDhcpConfigPart,
    options?: { signal?: AbortSignal },
  ): Promise<ZtpDhcpConfigView> {
    return this.get(`/dhcp/kea-config?part=${part}`, options);
  }

  /** Counts and the first `limit` entries of each list (what the card polls). */
  getSummary(options?: {
    limit?: number;
    signal?: AbortSignal;
  }): Promise<ZtpDhcpSummary> {
    const query = options?.limit === undefined ? '' : `?limit=${options.limit}`;
    return this.get(`/dhcp/summary${query}`, options);
  }

  getStatus(options?: { signal?: AbortSignal }): Promise<ZtpDhcpApplyStatus> {
    return this.get('/dhcp/status', options);
  }

  getLeases(options?: { signal?: AbortSignal }): Promise<ZtpDhcpLeaseList> {
    return this.get('/dhcp/leases', options);
  }

  private async get<T>(
    path: string,
    options?: { signal?: AbortSignal },
  ): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('ztp');
    const response = await this.options.fetchApi.fetch(`${base}${path}`, {
      signal: options?.signal,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
