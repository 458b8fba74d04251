import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SimulatedDevice, type ScriptRecord } from '../device/SimulatedDevice';
import { PLATFORM_IDS, type PlatformId } from '../platforms/types';
import { obtainLease } from './dhclient';
import { bootFileFromLease, REQUESTED_OPTIONS } from './dhcpAgents';

const USAGE = `Usage: ztp-simulator-dhcp --platform <id> --interface <name> --serial <serial> [options]

One simulated device that boots as a real one does on a provisioning
network: its DHCP client (ISC dhclient) gets an address and the options
that name its file, its platform's ZTP agent fetches that file, and SSH
answers on the leased address. Run it as root inside the device's network
namespace (ip netns exec). Prints one JSON line per step.

Options:
  --platform <id>        cisco-iosxe, cisco-nxos, arista-eos or juniper-junos
  --interface <name>     The device's port on the provisioning network
  --serial <serial>      The chassis serial
  --name <name>          Name in logs (default: the interface)
  --model <model>        Hardware model (default: the platform's)
  --dhcp-timeout-ms <n>  How long to wait for a lease (default 30000)
`;

const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile(cmd, args, (error, _out, stderr) =>
      error
        ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr}`))
        : resolve(),
    ),
  );

function prefixLength(mask: string): number {
  return mask
    .split('.')
    .reduce(
      (n, octet) => n + Number(octet).toString(2).replace(/0/g, '').length,
      0,
    );
}

/** The DHCP-booting device; resolves with the exit code once told to stop. */
export async function runDhcpDevice(argv: string[]): Promise<number> {
  const say = (event: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify(event)}\n`);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        platform: { type: 'string' },
        interface: { type: 'string' },
        serial: { type: 'string' },
        name: { type: 'string' },
        model: { type: 'string' },
        'dhcp-timeout-ms': { type: 'string', default: '30000' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const platform = values.platform as PlatformId;
  if (!PLATFORM_IDS.includes(platform) || !values.interface || !values.serial) {
    process.stderr.write(USAGE);
    return 2;
  }
  const iface = values.interface;
  const name = values.name ?? iface;
  // The hardware's MAC is the port's: what DHCP and the agent present.
  const mac = fs.readFileSync(`/sys/class/net/${iface}/address`, 'utf8').trim();
  const dir = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), `ztp-dhcp-${name}-`),
  );
  await run('ip', ['link', 'set', 'lo', 'up']);
  await run('ip', ['link', 'set', iface, 'up']);

  const client = await obtainLease({
    interfaceName: iface,
    requested: REQUESTED_OPTIONS[platform],
    dir,
    timeoutMs: Number(values['dhcp-timeout-ms']),
    log: () => {},
  });
  const { lease } = client;
  say({
    event: 'lease',
    address: lease.address,
    routers: lease.routers,
    leaseSeconds: lease.leaseSeconds,
    bootFileName: lease.bootFileName,
    tftpServerName: lease.tftpServerName,
    tftpServerAddresses: lease.tftpServerAddresses,
    vendorEncapsulated: lease.vendorEncapsulated?.toString('hex'),
  });
  await run('ip', [
    'addr',
    'add',
    `${lease.address}/${prefixLength(lease.subnetMask)}`,
    'dev',
    iface,
  ]);
  if (lease.routers[0]) {
    await run('ip', ['route', 'replace', 'default', 'via', lease.routers[0]]);
  }

  const decision = bootFileFromLease(platform, lease);
  if ('refused' in decision) {
    say({ event: 'refused', reason: decision.refused });
    await client.stop();
    return 3;
  }
  say({ event: 'boot-file', url: decision.url });
  const device = new SimulatedDevice({
    name,
    platform,
    model: values.model,
    managementIp: lease.address,
    macAddress: mac,
    realSerial: values.serial,
    provisioningUrl: new URL(decision.url).origin,
    bootFileUrl: decision.url,
    bootDelayMs: 0,
    fetchRetryMs: 500,
    fetchRetryMaxMs: 2000,
    rebootMs: 1000,
  });
  device.on('fetch', record =>
    say({
      event: 'fetch',
      url: record.url,
      status: record.status,
      error: record.error,
    }),
  );
  device.on('config-rejected', errors =>
    say({ event: 'config-rejected', errors }),
  );
  device.on('state', state => say({ event: 'state', state }));
  device.on('script-rejected', reason =>
    say({ event: 'script-rejected', reason }),
  );
  device.on('script-finished', (record: ScriptRecord) =>
    say({
      event: 'script-finished',
      exitCode: record.exitCode,
      output: record.output.slice(-2000),
    }),
  );
  device.on('listening', port => say({ event: 'configured', sshPort: port }));
  device.on('failure', error =>
    say({ event: 'failure', message: String(error) }),
  );
  await device.powerOn();

  await new Promise<void>(resolve => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await device.powerOff();
  await client.stop();
  await fs.promises.rm(dir, { recursive: true, force: true });
  return 0;
}
