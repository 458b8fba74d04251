import v8 from 'node:v8';

/**
 * How far V8 lets a heap grow past what it held after its last full
 * collection before collecting again, in percent. V8 picks 10–300 % by
 * itself and, on a backend that is mostly waiting, leans to the top: a
 * device storm's or a catalog pass's short-lived objects then pile up as
 * hundreds of MB of garbage. 35 %: at 10,000 devices the catalog's
 * re-processing fills the main thread's old generation at ~4.5 MB/s, and
 * the heap's size at rest follows this setting; 25 % made full collections
 * frequent enough to slow the dashboard's search past 300 ms, 50 % left the
 * settled backend above 500 MiB in two runs of three (README, "The
 * backend's memory").
 */
export const HEAP_GROWING_PERCENT = 35;

/**
 * Sets the growth for every heap of the process: the main thread's and the
 * worker threads' made afterwards (V8 flags are process-wide, and V8 reads
 * this one at each full collection). `ZTP_HEAP_GROWING_PERCENT` overrides
 * it; 0 leaves the choice to V8. Node refuses this flag in NODE_OPTIONS,
 * hence a call at start rather than a command-line option.
 */
export function limitHeapGrowth(
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const raw = env.ZTP_HEAP_GROWING_PERCENT;
  const percent =
    raw === undefined || raw === '' ? HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    throw new Error(
      `ZTP_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, got "${raw}"`,
    );
  }
  if (percent === 0) return undefined;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
