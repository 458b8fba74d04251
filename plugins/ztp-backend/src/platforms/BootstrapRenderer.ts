import { bootstrapArtifacts, bootstrapContext, reportPath } from '.';
import type { DeviceRecord } from '../database/types';
import type { DeviceBootstrap } from '../door/BootstrapFileIndex';
import type { MinimalConfigSource } from '../door/DeviceRequestHandler';
import { MinimalConfigRenderer, platformDevice } from './MinimalConfigRenderer';
import type { PlatformRegistry } from './PlatformRegistry';

/**
 * What the door serves a device: its minimal configuration, and the files
 * its platform's own ZTP agent asks for (a Guest Shell script, a POAP
 * script and its configuration with the .md5, ...), rendered around it.
 */
export class BootstrapRenderer implements MinimalConfigSource {
  constructor(
    private readonly minimal: MinimalConfigRenderer,
    private readonly platforms: PlatformRegistry,
    /** The door as devices reach it. */
    private readonly deviceUrl: string,
  ) {}

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
    );
    return {
      files: bootstrapArtifacts(driver, ctx),
      reportToken: reportPath(config).replace(/^.*\//, ''),
    };
  }

  forget(entityRef: string) {
    this.minimal.forget(entityRef);
  }
}
