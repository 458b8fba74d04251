/*
 * Test helpers of platform packages: captured outputs, a scripted CLI and
 * passwords that trip up quoting. Imported as
 * @ztp-portal/backstage-plugin-ztp-node/testUtils, never by production code.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DeviceCli } from './cli';

/**
 * The text of a captured device output in `<directory>/__fixtures__/`
 * (a platform package's tests pass their own __dirname).
 */
export function readFixture(directory: string, name: string): string {
  return readFileSync(resolve(directory, '__fixtures__', name), 'utf8');
}

/**
 * A DeviceCli that answers commands from captured outputs, for driver
 * logic tests (the SSH client itself is tested against real servers).
 * Records the commands it was asked to run.
 */
export function scriptedCli(answers: Record<string, string>): DeviceCli & {
  commands: string[];
} {
  const commands: string[] = [];
  return {
    commands,
    async run(command: string) {
      commands.push(command);
      return (
        answers[command] ??
        `% Invalid input detected at '^' marker.\n${' '.repeat(5)}^`
      );
    },
    async send(text: string) {
      commands.push(text);
      return '';
    },
  };
}

/** A random password with the characters that trip up quoting. */
export function generatedPassword(): string {
  const alphabet =
    'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%&*+-=?@^_';
  let password = '';
  for (let i = 0; i < 20; i++) {
    password += alphabet[randomInt(alphabet.length)];
  }
  return password;
}

/**
 * What openssl passwd makes of a password with the given salt. The password
 * goes through stdin: one starting with "-" would be read as an option.
 */
export function opensslPasswd(
  variant: '-5' | '-6',
  salt: string,
  password: string,
): string {
  return execFileSync('openssl', ['passwd', variant, '-salt', salt, '-stdin'], {
    input: `${password}\n`,
  })
    .toString()
    .trim();
}
