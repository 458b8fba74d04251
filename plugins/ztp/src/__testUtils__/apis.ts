import { mockApis } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { ztpApiRef, ZtpClient } from '../api';
import type { MockSignalApi } from './MockSignalApi';

/** Base URL msw handlers answer on: discovery gives `${BASE}/api/ztp`. */
export const TEST_BACKEND = 'http://localhost:7007';
export const ZTP_API = `${TEST_BACKEND}/api/ztp`;

/**
 * The APIs a ZTP component needs in a test: the real ZtpClient over the real
 * fetch (msw answers at the HTTP edge), a permission API that allows what the
 * test says, and optionally a signal API.
 */
export function ztpTestApis(
  options: {
    /** Permission names to deny, e.g. ['ztp.credentials.reveal']; '*' denies all. */
    deny?: string[];
    signals?: MockSignalApi;
  } = {},
) {
  const discoveryApi = mockApis.discovery({ baseUrl: TEST_BACKEND });
  const fetchApi = mockApis.fetch();
  const deny = new Set(options.deny ?? []);
  const askedPermissions: string[] = [];
  const permissionApi = mockApis.permission({
    authorize: request => {
      askedPermissions.push(request.permission.name);
      return deny.has('*') || deny.has(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    },
  });
  const apis = [
    discoveryApi,
    fetchApi,
    permissionApi,
    [ztpApiRef, new ZtpClient({ discoveryApi, fetchApi })],
  ] as const;
  // The permission names asked for, to wait until denials have arrived.
  return Object.assign(
    options.signals ? [...apis, [signalApiRef, options.signals]] : [...apis],
    { askedPermissions },
  );
}
