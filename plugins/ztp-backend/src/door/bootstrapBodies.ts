import type { BootstrapFile } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * One string per distinct bootstrap body. A device's script is rendered
 * once per name it may be asked by (its MAC, its hostname) with the same
 * text, and a file every device of a platform shares (NX-OS's poap.py) is
 * rendered per device with the same text: kept as they come, 10,000
 * devices hold tens of MB of copies on each thread that serves them.
 */
export class BootstrapBodies {
  /** Bodies of shared files, by their text (few: one per platform's file). */
  private readonly shared = new Map<string, string>();

  /**
   * Content types: every file of a message to the door's thread brings its
   * own copy of "text/plain; charset=utf-8" (37,500 of them at 10,000
   * devices).
   */
  private readonly contentTypes = new Map<string, string>();

  /** The files with equal bodies (and content types) made the same string. */
  share(files: BootstrapFile[]): BootstrapFile[] {
    const own = new Map<string, string>();
    return files.map(file => {
      const pool = file.shared === 'identical' ? this.shared : own;
      const body = pool.get(file.body);
      if (body === undefined) pool.set(file.body, file.body);
      const contentType = this.contentTypes.get(file.contentType);
      if (contentType === undefined) {
        this.contentTypes.set(file.contentType, file.contentType);
      }
      if (body === undefined && contentType === undefined) return file;
      // Equal text: the kept string, so that this copy can be collected.
      return {
        ...file,
        body: body ?? file.body,
        contentType: contentType ?? file.contentType,
      };
    });
  }
}
