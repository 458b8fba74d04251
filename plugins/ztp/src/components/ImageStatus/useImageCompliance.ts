import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  imageCompliance,
  type ZtpApprovedImage,
  type ZtpDevice,
  type ZtpImageCompliance,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef, type ZtpApi } from '../../api';
import { describeError } from '../../lib/format';

type Approved = { images: ZtpApprovedImage[] } | { error: string };

// The approved images are the backend's config: read once per page load and
// shared by every row, not once per device.
const approvedByApi = new WeakMap<ZtpApi, Promise<Approved>>();

function approvedImages(api: ZtpApi): Promise<Approved> {
  let approved = approvedByApi.get(api);
  if (!approved) {
    approved = api.listImages().then(
      ({ images }) => ({ images }),
      e => {
        // Asked again by the next badge shown, not remembered as failed.
        approvedByApi.delete(api);
        return { error: describeError(e) };
      },
    );
    approvedByApi.set(api, approved);
  }
  return approved;
}

/**
 * The device's image compliance, computed as the server computes it for the
 * Image filter and the Conf Final gate (imageCompliance of ztp-common), from
 * the version read with its serial check and the approved images.
 * Undefined while the approved images are being read.
 */
export function useImageCompliance(
  device: ZtpDevice,
): ZtpImageCompliance | undefined {
  const api = useApi(ztpApiRef);
  const [approved, setApproved] = useState<Approved>();
  // No version read: unknown whatever is approved, so nothing is asked.
  const read = Boolean(device.software);
  useEffect(() => {
    if (!read) return undefined;
    let current = true;
    approvedImages(api).then(a => current && setApproved(a));
    return () => {
      current = false;
    };
  }, [api, read]);
  const software = device.software;
  if (!software) {
    return imageCompliance({ platform: device.platform }, []);
  }
  if (!approved) return undefined;
  if ('error' in approved) {
    return {
      state: 'unknown',
      running: software.runningVersion,
      reason: `the approved images could not be read: ${approved.error}`,
    };
  }
  return imageCompliance(
    {
      platform: device.platform,
      runningVersion: software.runningVersion,
      deviceModel: software.model,
    },
    approved.images,
  );
}
