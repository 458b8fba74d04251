import type { ShellIO } from '../../terminal/types';
import type { DeviceFacts } from '../types';

/**
 * NX-OS's software commands: "copy http://... bootflash:[<file>] vrf
 * <vrf>" (a real transfer; a small file that is not an image, a POAP
 * configuration, lands as text), "show file bootflash:<file>
 * md5sum|sha256sum", "install all nxos bootflash:<file>
 * [non-interruptive]", which saves the configuration and reloads, "boot
 * nxos bootflash:<file>" (configuration mode: the image the next boot
 * runs, as the POAP script sets it) and "delete bootflash:<file>
 * [no-prompt]".
 */
export function bootflashName(path: string): string | undefined {
  const m = /^bootflash:\/*(.*)$/i.exec(path);
  return m ? m[1] : undefined;
}

export async function nxosCopyHttp(
  facts: DeviceFacts,
  textFiles: Map<string, string>,
  from: string,
  to: string,
): Promise<string> {
  const target = bootflashName(to);
  if (target === undefined) return `% Invalid command at copy ${from} ${to}\n`;
  const name = target || from.split('/').pop() || '';
  if (!name) return `% Invalid destination: ${to}\n`;
  const result = await facts.images.download(from, name);
  if (!result.ok) {
    if (result.reason === 'no-space') {
      return `ERROR: Copy failed: No space left on device\n`;
    }
    return `ERROR: Copy failed: ${
      result.status
        ? `the server answered HTTP ${result.status}`
        : result.message
    }\n`;
  }
  if (result.body) {
    facts.images.delete(name);
    textFiles.set(name, result.body.toString('utf8'));
  }
  return `***** Transfer of file Completed Successfully *****\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n`;
}

export function nxosImageDigest(
  facts: DeviceFacts,
  path: string,
  algorithm: 'md5sum' | 'sha256sum',
): string | undefined {
  const name = bootflashName(path);
  const file = name !== undefined ? facts.images.get(name) : undefined;
  if (!file) return undefined;
  return `${algorithm === 'md5sum' ? file.md5 : file.sha256}\n`;
}

export async function nxosInstallAll(
  facts: DeviceFacts,
  io: ShellIO,
  rest: string,
  saveConfig: () => void,
): Promise<string> {
  const m = /^nxos\s+(\S+)(\s+non-interruptive)?$/i.exec(rest.trim());
  if (!m) return `% Invalid command at install all ${rest}\n`;
  const name = bootflashName(m[1]);
  if (name === undefined || !facts.images.get(name)) {
    return `Installer will perform compatibility check first. Please wait.\n\nPre-upgrade check failed. Return code 0x40930020 (Invalid image file).\n`;
  }
  await io.print(
    `Installer will perform compatibility check first. Please wait.\nInstaller is forced disruptive\n\nVerifying image bootflash:/${name} for boot variable "nxos".\n`,
  );
  const boot = facts.images.setBoot(name);
  if (!boot.ok) {
    return `[####################] 100% -- FAIL.\nReturn code 0x4093001E (Image verification failed).\n${boot.error}\nPre-upgrade check failed. Return code 0x4093001E (Image verification failed).\n`;
  }
  await io.print(
    `[####################] 100% -- SUCCESS\n\nVerifying image type.\n[####################] 100% -- SUCCESS\n\nSwitch will be reloaded for disruptive upgrade.\n`,
  );
  if (!m[2]) {
    const answer = await io.readLine(
      'Do you want to continue with the installation (y/n)?  [n] ',
    );
    if (answer === null || !/^y/i.test(answer.trim())) {
      return 'Install is aborted\n';
    }
  }
  saveConfig();
  facts.reload();
  return `Install is in progress, please wait.\n\nPerforming runtime checks.\n[####################] 100% -- SUCCESS\n\nSetting boot variables.\n[####################] 100% -- SUCCESS\n\nPerforming configuration copy.\n[####################] 100% -- SUCCESS\n\nFinishing the upgrade, switch will reboot in 10 seconds.\n`;
}

export function nxosImageListing(facts: DeviceFacts, time: string): string[] {
  return facts.images
    .list()
    .map(i => `${String(i.size).padStart(12)}    ${time}  ${i.name}`);
}

/**
 * "boot nxos bootflash:<file>" in configuration mode: undefined when the
 * line is not one. The switch checks the image before it takes it as the
 * next boot (a missing, foreign or corrupted image is refused and the boot
 * variable left as it was); the line then stays in the running
 * configuration.
 */
export function nxosBootNxos(
  facts: DeviceFacts,
  line: string,
): { ok: boolean; output: string } | undefined {
  const m = /^boot\s+nxos\s+(\S+)$/i.exec(line);
  if (!m) return undefined;
  const checking =
    'Performing image verification and compatibility check, please wait....\n';
  const name = bootflashName(m[1]);
  if (name === undefined || !facts.images.get(name)) {
    return {
      ok: false,
      output: `${checking}ERROR: ${m[1]}: No such file or directory\n`,
    };
  }
  const boot = facts.images.setBoot(name);
  if (!boot.ok) {
    return {
      ok: false,
      output: `${checking}ERROR: Image verification failed: ${boot.error}\n`,
    };
  }
  return { ok: true, output: checking };
}

/**
 * "delete bootflash:<file> [no-prompt]": asks first unless no-prompt (a
 * script, which cannot answer, gives up).
 */
export async function nxosDelete(
  facts: DeviceFacts,
  textFiles: Map<string, string>,
  io: ShellIO,
  path: string,
  noPrompt: boolean,
): Promise<string> {
  const name = bootflashName(path);
  if (!name || (!facts.images.get(name) && !textFiles.has(name))) {
    return `% No such file or directory: ${path}\n`;
  }
  if (!noPrompt) {
    const answer = await io.readLine(
      `Do you want to delete "/${name}" ? (yes/no/abort)   [y] `,
    );
    if (answer === null || /^[na]/i.test(answer.trim())) return '';
  }
  facts.images.delete(name);
  textFiles.delete(name);
  return '';
}
