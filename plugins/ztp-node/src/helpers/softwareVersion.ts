import type { DeviceCli } from '../cli';
import type { PlatformSoftwareVersion } from '../platformDriver';

/**
 * Runs the platform's version command and parses it, saying what was
 * missing when the output names no version (a command the device refused,
 * output cut short).
 */
export async function readSoftwareVersion(
  cli: DeviceCli,
  command: string,
  parse: (output: string) => PlatformSoftwareVersion | undefined,
): Promise<PlatformSoftwareVersion> {
  const output = await cli.run(command);
  const parsed = parse(output);
  if (!parsed) {
    throw new Error(
      `"${command}" named no software version: ${output
        .trim()
        .split('\n')[0]
        ?.slice(0, 120)}`,
    );
  }
  return parsed;
}
