import type { ZtpUpgradePhase } from '@ztp-portal/backstage-plugin-ztp-common';

/** Each upgrade phase as the timeline says it. */
export const PHASE_WORDS: Record<ZtpUpgradePhase, string> = {
  queued: 'queued',
  'checking-space': 'checking the free space',
  downloading: 'downloading the image from the door',
  verifying: 'verifying the checksum on the device',
  installing: 'installing',
  rebooting: 'rebooting',
  'reading-version': 'reading the version',
};
