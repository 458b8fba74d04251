import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ZtpDevice,
  ZtpReplaceRequest,
  ZtpReplacementCsvCheck,
  ZtpReplacementJob,
  ZtpStuckDeviceList,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** Replace device, Re-provision, replacement lists and stuck devices. @public */
export class ZtpReplacementClient {
  constructor(
    private readonly options: {
      discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
      fetchApi: Pick<FetchApi, 'fetch'>;
    },
  ) {}

  replaceDevice(
    entityRef: string,
    request: ZtpReplaceRequest,
  ): Promise<ZtpDevice> {
    return this.call('POST', `${devicePath(entityRef)}/replace`, request);
  }

  reprovisionDevice(entityRef: string, reason: string): Promise<ZtpDevice> {
    return this.call('POST', `${devicePath(entityRef)}/reprovision`, {
      reason,
    });
  }

  checkReplacementList(csv: string): Promise<ZtpReplacementCsvCheck> {
    return this.call('POST', '/replacements/check', { csv });
  }

  startReplacementList(csv: string): Promise<ZtpReplacementJob> {
    return this.call('POST', '/replacements/jobs', { csv });
  }

  getReplacementList(
    jobId: string,
    options?: { signal?: AbortSignal },
  ): Promise<ZtpReplacementJob> {
    return this.call(
      'GET',
      `/replacements/jobs/${encodeURIComponent(jobId)}`,
      undefined,
      options,
    );
  }

  listStuckDevices(options?: {
    signal?: AbortSignal;
  }): Promise<ZtpStuckDeviceList> {
    return this.call('GET', '/stuck-devices', undefined, options);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    options?: { signal?: AbortSignal },
  ): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('ztp');
    const response = await this.options.fetchApi.fetch(`${base}${path}`, {
      method,
      signal: options?.signal,
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}

function devicePath(entityRef: string): string {
  const { namespace, name } = parseEntityRef(entityRef);
  return `/devices/${encodeURIComponent(namespace)}/${encodeURIComponent(
    name,
  )}`;
}
