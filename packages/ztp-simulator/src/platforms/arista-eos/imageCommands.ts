import type { DeviceFacts } from '../types';

/**
 * EOS's software commands: "dir flash:", "copy http://... flash:<file>",
 * "verify /md5|/sha512 flash:<file>", "delete flash:<file>", "bash [timeout <s>]
 * sha256sum|md5sum /mnt/flash/<file>", "boot system flash:<file>" (in
 * configuration mode; the boot-config, not the running configuration),
 * "show boot-config" and "reload now", which boots the boot-config image.
 */
function flashName(path: string): string | undefined {
  const m = /^flash:\/?(.*)$/i.exec(path);
  return m ? m[1] : undefined;
}

export async function eosCopyHttp(
  facts: DeviceFacts,
  from: string,
  to: string,
): Promise<string> {
  const target = flashName(to);
  if (target === undefined || !/^https?:\/\//i.test(from)) {
    return '% Invalid input\n';
  }
  const name = target || from.split('/').pop() || '';
  const result = await facts.images.download(from, name);
  if (!result.ok) {
    let why = result.message;
    if (result.reason === 'no-space') why = 'No space left on device';
    else if (result.status) why = `HTTP error ${result.status}`;
    return `% Error copying ${from} to ${to} (${why})\n`;
  }
  return 'Copy completed successfully.\n';
}

export function eosVerify(facts: DeviceFacts, rest: string): string {
  const m = /^\/(md5|sha512)\s+(\S+)$/.exec(rest.trim());
  if (!m) return '% Invalid input\n';
  const name = flashName(m[2]);
  const file = name !== undefined ? facts.images.get(name) : undefined;
  if (!file) return `% Error opening ${m[2]} (No such file or directory)\n`;
  return `verify /${m[1]} (${m[2]}) = ${
    m[1] === 'md5' ? file.md5 : file.sha512
  }\n`;
}

export function eosBash(facts: DeviceFacts, rest: string): string {
  const m =
    /^(?:timeout\s+\d+\s+)?(sha256sum|md5sum)\s+\/mnt\/flash\/(\S+)$/.exec(
      rest.trim(),
    );
  if (!m) {
    const command = rest.trim().split(/\s+/)[0] ?? '';
    return `bash: ${command}: command not found\n`;
  }
  const file = facts.images.get(m[2]);
  if (!file) {
    return `${m[1]}: /mnt/flash/${m[2]}: No such file or directory\n`;
  }
  return `${m[1] === 'md5sum' ? file.md5 : file.sha256}  /mnt/flash/${m[2]}\n`;
}

/** "delete flash:<file>": silent when done, as EOS is. */
export function eosDelete(facts: DeviceFacts, path: string): string {
  const name = flashName(path);
  if (name === undefined) return '% Invalid input\n';
  return facts.images.delete(name)
    ? ''
    : `% Error deleting ${path} (No such file or directory)\n`;
}

/** "boot system flash:<file>": undefined when the line is not one. */
export function eosBootSystem(
  facts: DeviceFacts,
  line: string,
): string | undefined {
  const m = /^boot\s+system\s+(\S+)$/i.exec(line);
  if (!m) return undefined;
  const name = flashName(m[1]);
  if (name === undefined || !facts.images.get(name)) {
    return `% Error: ${m[1]} does not exist\n`;
  }
  const boot = facts.images.setBoot(name);
  return boot.ok ? '' : `% Invalid software image: ${boot.error}\n`;
}

export function eosShowBootConfig(facts: DeviceFacts): string {
  const image = facts.images.bootImage();
  return `Software image: ${
    image ? `flash:/${image}` : '(not set)'
  }\nConsole speed: (not set)\nAboot password (encrypted): (not set)\nMemory test iterations: (not set)\n`;
}

export function eosDir(facts: DeviceFacts, time: string): string {
  const lines = ['Directory of flash:/', ''];
  for (const image of facts.images.list()) {
    lines.push(
      `       -rwx   ${String(image.size).padStart(12)}  ${time}  ${
        image.name
      }`,
    );
  }
  lines.push(
    '',
    `${facts.images.totalBytes()} bytes total (${facts.images.freeBytes()} bytes free)`,
  );
  return `${lines.join('\n')}\n`;
}
