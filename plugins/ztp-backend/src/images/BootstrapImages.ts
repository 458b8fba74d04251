import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeviceRecord } from '../database/types';
import type { ImageCatalog } from './ImageCatalog';
import type { UpgradeSettings } from './upgrade/settings';
import { upgradeImage } from './upgradeImage';

/**
 * Which approved image a device's own ZTP agent takes while it boots (the
 * POAP target image, Junos option 43 sub-option 00, the IOS XE and EOS
 * scripts): only where the automatic upgrade covers the device (globally
 * or for its site), so that switching it off keeps every bootstrap as it
 * was, and only once its file is verified (on the door, or at its own URL). A device not
 * identified yet is matched by its last reported model, so an image
 * approved for a model family only is left to the SSH upgrade after the
 * serial check.
 */
export class BootstrapImages {
  constructor(
    private readonly deps: {
      catalog: Pick<ImageCatalog, 'approvedFor' | 'available'>;
      settings: Pick<UpgradeSettings, 'autoUpgrade' | 'autoUpgradeSites'>;
      /** The device door as devices reach it. */
      doorUrl: string;
    },
  ) {}

  imageFor(
    device: Pick<DeviceRecord, 'platform' | 'site' | 'deviceModel'>,
  ): UpgradeImage | undefined {
    const { settings, catalog } = this.deps;
    const covered =
      settings.autoUpgrade ||
      (device.site !== undefined &&
        settings.autoUpgradeSites.includes(device.site));
    if (!covered) return undefined;
    const spec = catalog.approvedFor(device.platform, device.deviceModel);
    if (!spec || !catalog.available().some(s => s.file === spec.file)) {
      return undefined;
    }
    return upgradeImage(spec, this.deps.doorUrl);
  }
}
