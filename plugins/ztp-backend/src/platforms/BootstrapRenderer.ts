import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import { bootstrapArtifacts, bootstrapContext, reportPath } from '.';
import type { DeviceRecord } from '../database/types';
import type { DeviceBootstrap } from '../door/BootstrapFileIndex';
import { doorSignature } from '../door/doorSignature';
import type { MinimalConfigSource } from '../door/DeviceRequestHandler';
import { MinimalConfigRenderer, platformDevice } from './MinimalConfigRenderer';
import type { PlatformRegistry } from './PlatformRegistry';

/**
 * What the door serves a device: its minimal configuration, and the files
 * its platform's own ZTP agent asks for (a Guest Shell script, a POAP
 * script and its configuration with the .md5, ...), rendered around it.
 */
export class BootstrapRenderer implements MinimalConfigSource {
  /** The image a device takes during ZTP, once the images are set up. */
  private imageFor: (device: DeviceRecord) => UpgradeImage | undefined = () =>
    undefined;

  constructor(
    private readonly minimal: MinimalConfigRenderer,
    private readonly platforms: PlatformRegistry,
    /** The door as devices reach it. */
    private readonly deviceUrl: string,
  ) {}

  /** Where the image a device takes while it boots comes from (BootstrapImages). */
  takeImagesFrom(source: {
    imageFor(device: DeviceRecord): UpgradeImage | undefined;
  }) {
    this.imageFor = device => source.imageFor(device);
  }

  /**
   * What a door must render again when it changes: the device's own
   * signature and the image its bootstrap names.
   */
  signature(device: DeviceRecord): string {
    const image = this.imageFor(device);
    return image
      ? doorSignature(device, image.file, image.sha256)
      : doorSignature(device);
  }

  render(device: DeviceRecord): string {
    return this.minimal.render(device);
  }

  bootstrap(device: DeviceRecord): DeviceBootstrap {
    const config = this.minimal.render(device);
    const driver = this.platforms.require(device.platform);
    const ctx = bootstrapContext(
      platformDevice(device),
      config,
      this.deviceUrl,
      this.imageFor(device),
    );
    return {
      files: bootstrapArtifacts(driver, ctx),
      reportToken: reportPath(config).replace(/^.*\//, ''),
    };
  }
}
