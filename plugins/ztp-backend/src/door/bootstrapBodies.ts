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

  /** The files with equal bodies made the same string. */
  share(files: BootstrapFile[]): BootstrapFile[] {
    const own = new Map<string, string>();
    return files.map(file => {
      const pool = file.shared === 'identical' ? this.shared : own;
      const body = pool.get(file.body);
      if (body === undefined) {
        pool.set(file.body, file.body);
        return file;
      }
      // Equal text: the kept string, so that this copy can be collected.
      return { ...file, body };
    });
  }
}
