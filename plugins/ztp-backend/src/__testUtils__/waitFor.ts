/**
 * Polls fn every 250 ms until it gives a value; after timeoutMs fails with
 * what describeState says (the backend's and the simulated box's state), so
 * a timed-out integration test says where the device stopped.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  describeState: () => Promise<unknown>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) {
      throw new Error(
        `timed out waiting; last state: ${JSON.stringify(
          await describeState(),
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}
