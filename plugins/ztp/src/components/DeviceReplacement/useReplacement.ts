import { useMemo } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { ztpDeviceReplacePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import { ZtpReplacementClient } from '../../api/ZtpReplacementClient';

/** The replacement client of the page (the app's discovery and fetch). */
export function useReplacementClient(): ZtpReplacementClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new ZtpReplacementClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}

/** May the user replace and re-provision devices? Hidden while asking. */
export function useCanReplace(): boolean {
  const { loading, allowed } = usePermission({
    permission: ztpDeviceReplacePermission,
  });
  return !loading && allowed;
}
