import type { DeviceCli } from '@ztp-portal/backstage-plugin-ztp-node';

/** An open SSH CLI session on the device being pushed to. */
export type PushSession = { cli: DeviceCli; close(): void };

const PROBLEM =
  /error|invalid|incomplete|ambiguous|syntax|unknown|not found|denied|failed|%/i;

/**
 * The lines of a device's answer that say what went wrong, each with the
 * line before it (Junos names the statement there), without the echo of a
 * long input.
 */
export function problemLines(output: string): string {
  const lines = output
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && l !== '^');
  const picked = new Set<number>();
  lines.forEach((line, i) => {
    if (PROBLEM.test(line)) {
      if (i > 0) picked.add(i - 1);
      picked.add(i);
    }
  });
  const chosen = picked.size
    ? [...picked].sort((a, b) => a - b).map(i => lines[i])
    : lines.slice(-4);
  return chosen.join(' ').slice(0, 600);
}

/** The device refused a command or a configuration line. */
export class DeviceRejectedError extends Error {
  readonly command: string;
  readonly output: string;
  constructor(command: string, output: string, what = 'command') {
    super(
      `the device rejected the ${what} "${command}": ${problemLines(output)}`,
    );
    this.name = 'DeviceRejectedError';
    this.command = command;
    this.output = output;
  }
}

/** The configuration read back lacks lines the rendered one has. */
export class VerificationError extends Error {
  readonly missing: string[];
  constructor(missing: string[]) {
    const shown = missing.slice(0, 5).map(l => `"${l}"`);
    super(
      `verification failed: the running configuration lacks ${
        missing.length
      } line(s) of the final configuration, such as ${shown.join(', ')}`,
    );
    this.name = 'VerificationError';
    this.missing = missing;
  }
}
