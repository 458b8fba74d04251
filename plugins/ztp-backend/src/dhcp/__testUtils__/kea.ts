import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where Debian's kea-dhcp4-server puts the server (scripts/test.sh installs it). */
export const KEA_DHCP4 = '/usr/sbin/kea-dhcp4';

/** The control agent (Debian's kea-ctrl-agent). */
export const KEA_CTRL_AGENT = '/usr/sbin/kea-ctrl-agent';

/** Debian's lease commands hook library, wherever the architecture puts it. */
export function leaseCommandsLibrary(): string {
  const lib = fs
    .readdirSync('/usr/lib', { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => path.join('/usr/lib', d.name, 'kea/hooks/libdhcp_lease_cmds.so'))
    .find(f => fs.existsSync(f));
  if (!lib) {
    throw new Error(
      "libdhcp_lease_cmds.so is missing: install Debian's kea-dhcp4-server",
    );
  }
  return lib;
}

export function requireKea(): void {
  if (!fs.existsSync(KEA_DHCP4)) {
    throw new Error(
      `${KEA_DHCP4} is missing: install Debian's kea-dhcp4-server (bash scripts/test.sh does)`,
    );
  }
}

/** Runs Kea's own check of a configuration file: kea-dhcp4 -t. */
export async function keaCheck(
  config: unknown,
): Promise<{ ok: boolean; output: string }> {
  requireKea();
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ztp-kea-t-'));
  const file = path.join(dir, 'kea-dhcp4.conf');
  await fs.promises.writeFile(file, JSON.stringify(config, null, 2));
  try {
    return await new Promise(resolve =>
      execFile(KEA_DHCP4, ['-t', file], (error, stdout, stderr) =>
        resolve({ ok: !error, output: `${stdout}${stderr}` }),
      ),
    );
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
