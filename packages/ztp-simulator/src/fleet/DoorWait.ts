import type { FetchRecord } from '../device/types';

/**
 * While the backend starts, its device door refuses connections and every
 * device retries: that is said once for the fleet, and once more when the
 * door answers, instead of a refused connection per device and retry.
 */
export class DoorWait {
  private waiting = false;

  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Whether the fetch is a refused connection, now accounted for. */
  refused(f: FetchRecord): boolean {
    if (!f.error || !/ECONNREFUSED/.test(f.error)) return false;
    if (!this.waiting) {
      this.waiting = true;
      this.log(
        `${new Date().toISOString()} waiting for the device door at ${
          this.url
        } (not answering yet, e.g. while the backend starts); the devices keep retrying quietly`,
      );
    }
    return true;
  }

  answered() {
    if (!this.waiting) return;
    this.waiting = false;
    this.log(
      `${new Date().toISOString()} the device door at ${this.url} answers`,
    );
  }
}
