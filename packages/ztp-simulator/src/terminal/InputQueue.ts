/**
 * Characters a client typed (or pasted) that the CLI has not consumed yet.
 * The CLI reads them one at a time, so type-ahead is echoed only once the
 * next prompt is up, as on a real device.
 */
export class InputQueue {
  private chunks: string[] = [];
  private offset = 0;
  private ended = false;
  private waiter: (() => void) | undefined;

  push(data: string): void {
    if (this.ended || data.length === 0) return;
    this.chunks.push(data);
    this.wake();
  }

  /** No more input will come (the channel closed). */
  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended && this.chunks.length === 0;
  }

  /** Resolves with the next character, or null once the input has ended. */
  async next(): Promise<string | null> {
    for (;;) {
      const chunk = this.chunks[0];
      if (chunk !== undefined) {
        const c = chunk[this.offset++];
        if (this.offset >= chunk.length) {
          this.chunks.shift();
          this.offset = 0;
        }
        return c;
      }
      if (this.ended) return null;
      await new Promise<void>(resolve => {
        this.waiter = resolve;
      });
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
