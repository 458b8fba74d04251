import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import type { ImageSpec } from './settings';

/**
 * An approved image as a device fetches it: from its own URL when the
 * operator gave one, from the door's /ztp/images/ otherwise.
 */
export function upgradeImage(spec: ImageSpec, doorUrl: string): UpgradeImage {
  return {
    file: spec.file,
    url:
      spec.url ??
      `${doorUrl.replace(/\/+$/, '')}/ztp/images/${encodeURIComponent(
        spec.file,
      )}`,
    size: spec.size,
    sha256: spec.sha256,
    ...(spec.md5 !== undefined && { md5: spec.md5 }),
    version: spec.version,
  };
}
