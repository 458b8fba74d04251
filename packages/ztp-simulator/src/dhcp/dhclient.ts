import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DhcpLease } from './dhcpAgents';

/** Debian's ISC DHCP client (isc-dhcp-client). */
const DHCLIENT = '/sbin/dhclient';

// The client hands each lease to this script in environment variables; it
// writes them where the device reads them and configures nothing itself.
function scriptText(dir: string): string {
  return `#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT)
    env > "${dir}/lease.env.tmp" && mv "${dir}/lease.env.tmp" "${dir}/lease.env" ;;
esac
exit 0
`;
}

function configText(requested: string[]): string {
  return `option tftp-server-address code 150 = array of ip-address;
request subnet-mask, routers, host-name, dhcp-lease-time, ${requested.join(
    ', ',
  )};
`;
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** dhclient prints binary options as hex bytes without leading zeros: 1:a:2f. */
function optionBytes(value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  if (/^[0-9a-f]{1,2}(:[0-9a-f]{1,2})*$/i.test(value)) {
    return Buffer.from(value.split(':').map(b => parseInt(b, 16)));
  }
  return Buffer.from(value, 'latin1');
}

export function leaseFromEnv(env: Record<string, string>): DhcpLease {
  const list = (v?: string) => (v ? v.split(/\s+/).filter(Boolean) : []);
  return {
    address: env.new_ip_address,
    subnetMask: env.new_subnet_mask,
    routers: list(env.new_routers),
    leaseSeconds: Number(env.new_dhcp_lease_time ?? 0),
    bootFileName: env.new_bootfile_name || env.new_filename || undefined,
    tftpServerName: env.new_tftp_server_name || undefined,
    tftpServerAddresses: list(env.new_tftp_server_address),
    vendorEncapsulated: optionBytes(env.new_vendor_encapsulated_options),
  };
}

/** A running DHCP client that holds (and renews) the device's lease. */
export type DhcpClient = {
  lease: DhcpLease;
  stop(): Promise<void>;
};

/**
 * Runs dhclient on the device's interface until it binds a lease, and
 * keeps it running for renewals. Rejects when no lease comes in time.
 */
export async function obtainLease(options: {
  interfaceName: string;
  requested: string[];
  dir: string;
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<DhcpClient> {
  const { dir } = options;
  if (!fs.existsSync(DHCLIENT)) {
    throw new Error(`${DHCLIENT} is missing: install isc-dhcp-client`);
  }
  await fs.promises.mkdir(dir, { recursive: true });
  const script = path.join(dir, 'dhclient-script');
  await fs.promises.writeFile(script, scriptText(dir), { mode: 0o755 });
  await fs.promises.writeFile(
    path.join(dir, 'dhclient.conf'),
    configText(options.requested),
  );
  const child: ChildProcess = spawn(
    DHCLIENT,
    [
      '-d',
      '-v',
      '-sf',
      script,
      '-cf',
      path.join(dir, 'dhclient.conf'),
      '-lf',
      path.join(dir, 'dhclient.leases'),
      '-pf',
      path.join(dir, 'dhclient.pid'),
      options.interfaceName,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    for (const line of chunk.toString().split('\n')) {
      if (line.trim()) options.log(`dhclient: ${line.trim()}`);
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };

  const leaseFile = path.join(dir, 'lease.env');
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `dhclient exited (${child.exitCode}) without a lease:\n${output}`,
      );
    }
    if (fs.existsSync(leaseFile)) {
      const env = parseEnv(await fs.promises.readFile(leaseFile, 'utf8'));
      return { lease: leaseFromEnv(env), stop };
    }
    await new Promise(r => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `No DHCP lease on ${options.interfaceName} within ${options.timeoutMs} ms:\n${output}`,
  );
}
