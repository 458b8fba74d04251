import type { ShellIO } from '../../terminal/types';
import type { DeviceFacts } from '../types';

/**
 * IOS XE's software commands: "copy http://... flash:<file>", "verify
 * /md5|/sha512 flash:<file> [digest]" and "install add file flash:<file>
 * activate commit [prompt-level none]", which reloads into the image.
 */
export function flashName(path: string): string | undefined {
  const m = /^(?:flash|bootflash):\/?(.*)$/i.exec(path);
  return m ? m[1] : undefined;
}

/**
 * "copy http://... flash:<file>": asks for the destination file name
 * unless "file prompt quiet" is configured (a script has nobody to answer,
 * so without it the copy gives up).
 */
export async function iosXeCopyHttp(
  facts: DeviceFacts,
  io: ShellIO,
  from: string,
  to: string,
  promptQuiet = false,
): Promise<string> {
  const target = flashName(to);
  if (target === undefined) {
    return `%Error parsing filename (Invalid argument)\n`;
  }
  const offered = target || from.split('/').pop() || '';
  let name = offered;
  if (!promptQuiet) {
    const answer = await io.readLine(`Destination filename [${offered}]? `);
    if (answer === null) return '';
    name = answer.trim() || offered;
  }
  await io.print(`Accessing ${from}...\n`);
  const result = await facts.images.download(from, name);
  if (!result.ok) {
    if (result.reason === 'no-space') {
      return `%Error copying ${from} (No space left on device)\n`;
    }
    if (result.status === 404) {
      return `%Error opening ${from} (No such file or directory)\n`;
    }
    return `%Error opening ${from} (I/O error)\n`;
  }
  return `Loading ${from} !!!!!!!!!!\n[OK - ${result.bytes}/4096 bytes]\n\n${
    result.bytes
  } bytes copied in ${result.seconds.toFixed(3)} secs (${Math.round(
    result.bytes / result.seconds,
  )} bytes/sec)\n`;
}

export function iosXeVerify(facts: DeviceFacts, rest: string): string {
  const m = /^\/(md5|sha512)\s+(\S+)(?:\s+([0-9a-fA-F]+))?$/.exec(rest.trim());
  if (!m) return "% Invalid input detected at '^' marker.\n";
  const [, algorithm, path, submitted] = m;
  const name = flashName(path);
  const file = name !== undefined ? facts.images.get(name) : undefined;
  if (!file) return `%Error opening ${path} (No such file or directory)\n`;
  const computed = algorithm === 'md5' ? file.md5 : file.sha512;
  const dots = '.'.repeat(Math.min(60, Math.ceil(file.size / 65536)));
  if (!submitted)
    return `${dots}Done!\nverify /${algorithm} (${path}) = ${computed}\n`;
  if (submitted.toLowerCase() === computed) {
    return `${dots}Done!\nVerified (${path}) = ${computed}\n`;
  }
  return `${dots}Done!\n%Error verifying ${path}\nComputed signature   = ${computed}\nSubmitted signature  = ${submitted.toLowerCase()}\n`;
}

/**
 * "install add file ... activate commit": with "prompt-level none" it asks
 * nothing and saves nothing (what is not saved is gone after the reload,
 * which is why Cisco's scripts "write memory" first, and why a ZTP script
 * that has not saved comes back to ZTP); otherwise it asks whether to save
 * a modified configuration ([y/n/q]) and whether to reload ([y/n]).
 */
export async function iosXeInstall(
  facts: DeviceFacts,
  io: ShellIO,
  rest: string,
  config: { modified: () => boolean; save: () => void },
): Promise<string> {
  const m =
    /^add\s+file\s+(\S+)\s+activate\s+commit(\s+prompt-level\s+none)?$/i.exec(
      rest.trim(),
    );
  if (!m) return "% Invalid input detected at '^' marker.\n";
  const name = flashName(m[1]);
  const when = new Date().toUTCString();
  await io.print(
    `install_add_activate_commit: START ${when}\ninstall_add_activate_commit: Adding PACKAGE\n--- Starting Add ---\n`,
  );
  if (name === undefined || !facts.images.get(name)) {
    return `FAILED: install_add_activate_commit : ${m[1]}: No such file or directory\n`;
  }
  const boot = facts.images.setBoot(name);
  if (!boot.ok) {
    return `FAILED: install_add_activate_commit : Image verification failed: ${boot.error}\n`;
  }
  await io.print(
    `SUCCESS: Finished Add: ${when}\ninstall_add_activate_commit: Activating PACKAGE\n--- Starting Activate ---\n`,
  );
  if (!m[2]) {
    if (config.modified()) {
      const save = await io.readLine(
        'System configuration has been modified.\nPress Yes(y) to save the configuration and proceed.\nPress No(n) for proceeding without saving the configuration.\nPress Quit(q) to exit, you may save configuration and re-enter the command. [y/n/q]',
      );
      const word = save?.trim().toLowerCase() ?? '';
      if (save === null || !/^[yn]/.test(word)) {
        return 'FAILED: install_add_activate_commit : aborted by the user\n';
      }
      if (word.startsWith('y')) config.save();
    }
    const answer = await io.readLine(
      'This operation may require a reload of the system. Do you want to proceed? [y/n]',
    );
    if (answer === null || !/^y/i.test(answer.trim())) {
      return 'FAILED: install_add_activate_commit : aborted by the user\n';
    }
  }
  facts.reload();
  return `SUCCESS: Finished Activate: ${when}\n--- Starting Commit ---\nSUCCESS: Finished Commit: ${when}\n\nChassis 1 reloading, reason - Reload command\n`;
}

export function iosXeFlashListing(
  facts: DeviceFacts,
  files: Map<string, string>,
  time: string,
): string {
  const lines = ['Directory of flash:/', ''];
  let i = 1;
  for (const [name, text] of files) {
    lines.push(
      `${String(i++).padStart(6)}  -rw-  ${String(
        Buffer.byteLength(text),
      ).padStart(12)}  ${time}  ${name}`,
    );
  }
  for (const image of facts.images.list()) {
    lines.push(
      `${String(i++).padStart(6)}  -rw-  ${String(image.size).padStart(
        12,
      )}  ${time}  ${image.name}`,
    );
  }
  lines.push(
    '',
    `${facts.images.totalBytes()} bytes total (${facts.images.freeBytes()} bytes free)`,
  );
  return `${lines.join('\n')}\n`;
}
