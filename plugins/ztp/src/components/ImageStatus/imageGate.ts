import type { ZtpImageCompliance } from '@ztp-portal/backstage-plugin-ztp-common';

/**
 * Why Conf Final (Push) is refused for the device's image, as the server's
 * gate decides it: only a device known to run another version than its
 * approved image is refused (an unknown image is not).
 */
export function imageRefusal(
  image: ZtpImageCompliance | undefined,
): string | undefined {
  if (image?.state !== 'upgrade-needed') return undefined;
  return `Upgrade needed: the device runs ${image.running}, not the approved image ${image.approved}. Conf Final (Push) is refused until it is upgraded.`;
}
