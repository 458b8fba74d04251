import type { Algorithms } from 'ssh2';
import type { SshAlgorithmPreferences } from '@ztp-portal/backstage-plugin-ztp-node';

/** Merges a driver's algorithm preferences into ssh2's defaults. */
export function mergeAlgorithms(
  preferences?: SshAlgorithmPreferences,
): Algorithms | undefined {
  if (!preferences) return undefined;
  const merged: Record<string, unknown> = {};
  for (const key of ['kex', 'serverHostKey', 'cipher', 'hmac'] as const) {
    const extra = preferences[key];
    if (extra?.length) merged[key] = { append: extra };
  }
  return Object.keys(merged).length ? (merged as Algorithms) : undefined;
}
