/**
 * How many device scripts the simulator runs at once. A real box runs its
 * script on its own processor; ten thousand simulated boxes booting within
 * seconds would otherwise start thousands of python3 processes on the
 * simulator's few cores at once, each holding sockets and memory while the
 * others run, until descriptors run out and connections are refused. A
 * script that waits for a slot has not started: its timeout runs from its
 * start, and a box powered off meanwhile never runs it.
 */
export class ScriptSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private size: number) {}

  /** Changes how many run at once; waiting scripts start if it grew. */
  resize(size: number): void {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(
        `script slots must be a whole number above 0, not ${size}`,
      );
    }
    this.size = size;
    while (this.running < this.size && this.waiting.length) {
      this.waiting.shift()!();
    }
  }

  /** Resolves with a release function once a slot is free; false if aborted first. */
  acquire(signal?: AbortSignal): Promise<(() => void) | false> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise(resolve => {
      const abort = { listener: () => {} };
      const grant = () => {
        signal?.removeEventListener('abort', abort.listener);
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.waiting.shift()?.();
        });
      };
      abort.listener = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      if (this.running < this.size) {
        grant();
        return;
      }
      this.waiting.push(grant);
      signal?.addEventListener('abort', abort.listener, { once: true });
    });
  }

  /** Scripts running now and waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** The simulator process's script slots (two per core would starve SSH). */
export const deviceScriptSlots = new ScriptSlots(64);
