/** How long a failed automatic serial check waits before the next try. */
export type RetrySettings = {
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /**
   * After its Conf Min Loaded, how long a device whose SSH does not answer
   * at all yet is asked again every bootRetryMaxDelayMs at the most.
   */
  bootWindowMs: number;
  bootRetryMaxDelayMs: number;
};

/**
 * The doubling backoff, except for a device that fetched its configuration
 * lately and where nothing listens on SSH yet: it is applying that
 * configuration or rebooting into it, and will answer within minutes.
 * Asking it again costs a SYN and its reset, so it is asked often and
 * Checked seconds after its SSH comes up, rather than after a backoff that
 * grew while it booted. A device that still does not answer after the
 * window gets the backoff of any other failure; one that answers but
 * times out, refuses the account or fails otherwise always does.
 */
export function retryDelayMs(
  settings: RetrySettings,
  attempts: number,
  failure: { nothingListens?: boolean },
  confMinLoadedAt: Date | undefined,
  now: number,
): number {
  const backoff = Math.min(
    settings.retryInitialDelayMs * 2 ** attempts,
    settings.retryMaxDelayMs,
  );
  const booting =
    failure.nothingListens === true &&
    confMinLoadedAt !== undefined &&
    now - confMinLoadedAt.getTime() < settings.bootWindowMs;
  return booting ? Math.min(backoff, settings.bootRetryMaxDelayMs) : backoff;
}
