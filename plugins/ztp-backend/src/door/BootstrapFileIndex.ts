import type { BootstrapFile } from '@ztp-portal/backstage-plugin-ztp-node';
import { BootstrapBodies } from './bootstrapBodies';

/** One device's bootstrap files, as the door keeps them. */
export type DeviceBootstrap = {
  files: BootstrapFile[];
  /** The token its reports carry (see reportPath). */
  reportToken: string;
};

export type FoundFile = { file: BootstrapFile; entityRef?: string };

/**
 * The bootstrap files of every device by the name a device asks for. Names
 * are flat (POAP asks for conf_<MAC>.cfg, AutoInstall for network-confg),
 * so a name two devices would both claim with different contents answers
 * nobody rather than the wrong one.
 */
export class BootstrapFileIndex {
  private readonly bodies = new BootstrapBodies();
  private readonly devices = new Map<string, DeviceBootstrap>();
  private byName = new Map<string, FoundFile | 'ambiguous'>();
  /** Names each device answers with its own file: name → device → file. */
  private bySource = new Map<string, Map<string, BootstrapFile>>();
  private byToken = new Map<string, string>();
  private stale = false;

  set(entityRef: string, bootstrap: DeviceBootstrap | undefined) {
    if (bootstrap) {
      this.devices.set(entityRef, {
        ...bootstrap,
        files: this.bodies.share(bootstrap.files),
      });
    } else this.devices.delete(entityRef);
    this.stale = true;
  }

  remove(entityRef: string) {
    if (this.devices.delete(entityRef)) this.stale = true;
  }

  /** Keeps only these devices (a full refresh). */
  retain(entityRefs: Set<string>) {
    for (const ref of [...this.devices.keys()]) {
      if (!entityRefs.has(ref)) this.remove(ref);
    }
  }

  /**
   * The file of that name, and the device it belongs to (none if shared).
   * A name each device answers with its own file is found only for the
   * device asking (recognised by its source address).
   */
  find(name: string, askingDevice?: string): FoundFile | undefined {
    this.rebuild();
    const key = name.toLowerCase();
    const perDevice = this.bySource.get(key);
    if (perDevice) {
      const file = askingDevice && perDevice.get(askingDevice);
      return file ? { file, entityRef: askingDevice } : undefined;
    }
    const found = this.byName.get(key);
    return found === 'ambiguous' ? undefined : found;
  }

  /** Whether each device asking for this name gets its own file. */
  answersBySourceAddress(name: string): boolean {
    this.rebuild();
    return this.bySource.has(name.toLowerCase());
  }

  /** The device whose reports carry this token. */
  deviceOfToken(token: string): string | undefined {
    this.rebuild();
    return this.byToken.get(token.toLowerCase());
  }

  private rebuild() {
    if (!this.stale) return;
    this.stale = false;
    const byName = new Map<string, FoundFile | 'ambiguous'>();
    const byToken = new Map<string, string>();
    const bySource = new Map<string, Map<string, BootstrapFile>>();
    const concatenated = new Map<
      string,
      { file: BootstrapFile; parts: string[] }
    >();
    const refs = [...this.devices.keys()].sort();
    for (const entityRef of refs) {
      const bootstrap = this.devices.get(entityRef)!;
      byToken.set(bootstrap.reportToken.toLowerCase(), entityRef);
      for (const file of bootstrap.files) {
        const key = file.name.toLowerCase();
        if (file.shared === 'by-source-address') {
          const perDevice = bySource.get(key) ?? new Map();
          perDevice.set(entityRef, file);
          bySource.set(key, perDevice);
          continue;
        }
        if (file.shared === 'concatenate') {
          const entry = concatenated.get(key) ?? { file, parts: [] };
          entry.parts.push(file.body);
          concatenated.set(key, entry);
          continue;
        }
        const existing = byName.get(key);
        if (!existing) {
          byName.set(key, {
            file,
            entityRef: file.shared ? undefined : entityRef,
          });
        } else if (
          existing === 'ambiguous' ||
          !file.shared ||
          existing.file.body !== file.body
        ) {
          byName.set(key, 'ambiguous');
        }
      }
    }
    for (const [key, { file, parts }] of concatenated) {
      byName.set(key, { file: { ...file, body: parts.join('') } });
    }
    this.byName = byName;
    this.byToken = byToken;
    this.bySource = bySource;
  }
}
