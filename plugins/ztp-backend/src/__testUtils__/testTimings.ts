/**
 * Timings that make integration tests quick without changing what they
 * test: serial checks that start and retry within a second, and simulated
 * devices that boot at once and ask the door again within half a second.
 */
export function quickSerialChecks(deadlineMs: number) {
  return {
    connectTimeoutMs: 1500,
    deadlineMs,
    retryInitialDelayMs: 300,
    retryMaxDelayMs: 1000,
    sweepSeconds: 1,
    firstCheckDelayMs: 300,
  };
}

/** A simulated device's boot and fetch retries, spread into its options. */
export const QUICK_BOOT = {
  bootDelayMs: 0,
  fetchRetryMs: 200,
  fetchRetryMaxMs: 500,
} as const;
