import { parseEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ZtpApprovedImage,
  ZtpImageUpgrade,
  ZtpBulkPushJob,
  ZtpDeviceDetails,
  ZtpDeviceList,
  ZtpDeviceListQuery,
  ZtpFinalConfigPreview,
  ZtpLocalAccount,
  ZtpPlatformList,
  ZtpPushResult,
  ZtpSerialCheckResult,
  ZtpUnknownDeviceList,
  ZtpDeclarationProblemList,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpApi, ZtpRequestOptions } from './ZtpApi';

/** Talks to the ztp backend plugin through the app's fetch and discovery APIs. @public */
export class ZtpClient implements ZtpApi {
  private readonly discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  private readonly fetchApi: Pick<FetchApi, 'fetch'>;

  constructor(options: {
    discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
    fetchApi: Pick<FetchApi, 'fetch'>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listDevices(
    query: ZtpDeviceListQuery = {},
    options?: ZtpRequestOptions,
  ): Promise<ZtpDeviceList> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return this.request(`/devices${search ? `?${search}` : ''}`, options);
  }

  getDevice(
    entityRef: string,
    options?: ZtpRequestOptions,
  ): Promise<ZtpDeviceDetails> {
    return this.request(devicePath(entityRef), options);
  }

  revealCredentials(entityRef: string): Promise<ZtpLocalAccount> {
    return this.request(`${devicePath(entityRef)}/credentials/reveal`, {
      method: 'POST',
    });
  }

  checkSerial(entityRef: string): Promise<ZtpSerialCheckResult> {
    return this.request(`${devicePath(entityRef)}/serial-check`, {
      method: 'POST',
    });
  }

  updateSerial(
    entityRef: string,
    newSerial: string,
    wrongSerial?: string,
  ): Promise<ZtpSerialCheckResult> {
    return this.request(`${devicePath(entityRef)}/serial`, {
      method: 'POST',
      body:
        wrongSerial === undefined ? { newSerial } : { newSerial, wrongSerial },
    });
  }

  acceptHostKey(
    entityRef: string,
    fingerprint: string,
  ): Promise<ZtpSerialCheckResult> {
    return this.request(`${devicePath(entityRef)}/host-key/accept`, {
      method: 'POST',
      body: { fingerprint },
    });
  }

  getFinalConfig(
    entityRef: string,
    options?: ZtpRequestOptions & { running?: boolean },
  ): Promise<ZtpFinalConfigPreview> {
    const query = options?.running === false ? '?running=false' : '';
    return this.request(`${devicePath(entityRef)}/final-config${query}`, {
      signal: options?.signal,
    });
  }

  pushFinalConfig(
    entityRef: string,
    options?: { overrideImage?: boolean },
  ): Promise<ZtpPushResult> {
    return this.request(`${devicePath(entityRef)}/final-config/push`, {
      method: 'POST',
      ...(options?.overrideImage && { body: { overrideImage: true } }),
    });
  }

  listImages(
    options?: ZtpRequestOptions,
  ): Promise<{ images: ZtpApprovedImage[] }> {
    return this.request('/images', options);
  }

  listUpgrades(
    options?: ZtpRequestOptions,
  ): Promise<{ upgrades: ZtpImageUpgrade[]; upgradeNeeded: number }> {
    return this.request('/images/upgrades', options);
  }

  upgradeImage(entityRef: string): Promise<{ started: string[] }> {
    return this.request(`${devicePath(entityRef)}/image/upgrade`, {
      method: 'POST',
    });
  }

  upgradeImages(entityRefs: string[]): Promise<{
    started: string[];
    refused: { entityRef: string; status: number; reason: string }[];
  }> {
    return this.request('/images/upgrade', {
      method: 'POST',
      body: { entityRefs },
    });
  }

  startBulkPush(entityRefs: string[]): Promise<ZtpBulkPushJob> {
    return this.request('/final-config/push', {
      method: 'POST',
      body: { entityRefs },
    });
  }

  getBulkPushJob(
    jobId: string,
    options?: ZtpRequestOptions,
  ): Promise<ZtpBulkPushJob> {
    return this.request(
      `/final-config/push/${encodeURIComponent(jobId)}`,
      options,
    );
  }

  listUnknownDevices(
    options?: ZtpRequestOptions,
  ): Promise<ZtpUnknownDeviceList> {
    return this.request('/unknown-devices', options);
  }

  listPlatforms(options?: ZtpRequestOptions): Promise<ZtpPlatformList> {
    return this.request('/platforms', options);
  }

  listDeclarationProblems(
    options?: ZtpRequestOptions,
  ): Promise<ZtpDeclarationProblemList> {
    return this.request('/declaration-problems', options);
  }

  private async request<T>(
    path: string,
    options: ZtpRequestOptions & { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ztp');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'GET',
      signal: options.signal,
      ...(options.body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(options.body),
          }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** /devices/:namespace/:name of a device's entity ref. */
function devicePath(entityRef: string): string {
  const { namespace, name } = parseEntityRef(entityRef, {
    defaultKind: 'resource',
  });
  return `/devices/${encodeURIComponent(namespace)}/${encodeURIComponent(
    name,
  )}`;
}
