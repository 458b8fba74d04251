import { ChildProcess, execFile, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KEA_CTRL_AGENT, KEA_DHCP4, requireKea } from './kea';

const TS_LOADER = require.resolve('@backstage/cli/config/nodeTransform.cjs');
const SIMULATOR_DHCP_MAIN = path.join(
  path.dirname(require.resolve('@ztp-portal/ztp-simulator/package.json')),
  'src/dhcp/main.ts',
);

function ip(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('ip', args, (error, stdout, stderr) =>
      error
        ? reject(new Error(`ip ${args.join(' ')}: ${stderr || error.message}`))
        : resolve(stdout),
    ),
  );
}

/** A process the test started in its own process group, stopped by pid. */
class GroupProcess extends EventEmitter {
  readonly exited: Promise<void>;
  output = '';

  constructor(readonly child: ChildProcess) {
    super();
    this.exited = new Promise(resolve => child.once('exit', () => resolve()));
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      this.emit('output', chunk.toString());
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM to its whole group (dhclient, Kea), SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (!this.running || !this.child.pid) return;
    const group = -this.child.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // gone already
      }
    }, 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A simulated device booting by DHCP in its namespace; its JSON lines as events. */
export class DhcpDeviceProcess extends GroupProcess {
  readonly events: Record<string, any>[] = [];

  constructor(child: ChildProcess) {
    super(child);
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        try {
          this.events.push(JSON.parse(line));
        } catch {
          // not one of the device's lines
        }
      }
    });
  }

  /** The first event of a kind, waiting for it; fails on refusal or exit. */
  async waitForEvent(
    kind: string,
    timeoutMs = 30_000,
  ): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(e => e.event === kind);
      if (found) return found;
      const fatal = this.events.find(e =>
        ['refused', 'error', 'failure'].includes(e.event),
      );
      if (fatal || !this.running || Date.now() > deadline) {
        let why = this.running ? 'timed out' : 'exited';
        if (fatal) why = JSON.stringify(fatal);
        throw new Error(
          `The device did not report "${kind}" (${why}):\n${this.output}`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

/**
 * A provisioning network built for one test: a bridge with the backend's
 * address (the door and the devices' gateway), Kea in a namespace of its
 * own, and a namespace per device, all in 198.18.0.0/15 with no route out.
 * destroy() stops every process it started (by process group) and removes
 * every namespace and link, whatever state the test left.
 */
export class ProvisioningLan {
  readonly id: string;
  readonly prefix: string;
  readonly subnet: string;
  /** The backend's address on the bridge: the door and the gateway. */
  readonly hostAddress: string;
  readonly keaAddress: string;
  readonly keaNamespace: string;
  readonly keaInterface: string;
  readonly dir: string;
  private readonly bridge: string;
  private readonly namespaces: string[] = [];
  private readonly links: string[] = [];
  private readonly processes: GroupProcess[] = [];
  private devices = 0;

  private constructor() {
    // Unique per run, short enough for 15-character interface names.
    this.id = (process.pid % 46656).toString(36);
    const octet = 1 + (process.pid % 250);
    this.prefix = `198.18.${octet}`;
    this.subnet = `${this.prefix}.0/24`;
    this.hostAddress = `${this.prefix}.1`;
    this.keaAddress = `${this.prefix}.2`;
    this.bridge = `zbr${this.id}`;
    this.keaNamespace = `zk${this.id}`;
    this.keaInterface = `zk${this.id}a`;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-dhcp-lan-'));
  }

  static async create(): Promise<ProvisioningLan> {
    if (process.getuid?.() !== 0) {
      throw new Error(
        'The DHCP integration test builds network namespaces, a bridge and veth pairs, and runs Kea and dhclient: it must run as root (CI does; locally: sudo)',
      );
    }
    requireKea();
    const lan = new ProvisioningLan();
    try {
      await ip('link', 'add', lan.bridge, 'type', 'bridge');
      lan.links.push(lan.bridge);
      await ip('addr', 'add', `${lan.hostAddress}/24`, 'dev', lan.bridge);
      await ip('link', 'set', lan.bridge, 'up');
      await lan.addNamespace(lan.keaNamespace, lan.keaInterface);
      await ip(
        '-n',
        lan.keaNamespace,
        'addr',
        'add',
        `${lan.keaAddress}/24`,
        'dev',
        lan.keaInterface,
      );
    } catch (error) {
      await lan.destroy();
      throw error;
    }
    return lan;
  }

  /** A namespace with one port on the bridge (and the given MAC). */
  private async addNamespace(ns: string, iface: string, mac?: string) {
    await ip('netns', 'add', ns);
    this.namespaces.push(ns);
    const peer = `${iface.slice(0, -1)}b`;
    await ip(
      'link',
      'add',
      iface,
      ...(mac ? ['address', mac] : []),
      'type',
      'veth',
      'peer',
      'name',
      peer,
    );
    this.links.push(peer);
    await ip('link', 'set', iface, 'netns', ns);
    await ip('link', 'set', peer, 'master', this.bridge, 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'link', 'set', iface, 'up');
  }

  /** Starts kea-dhcp4 in its namespace with this configuration file. */
  async startKea(configFile: string, controlSocket: string) {
    const child = spawn(
      'ip',
      ['netns', 'exec', this.keaNamespace, KEA_DHCP4, '-c', configFile],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          KEA_PIDFILE_DIR: this.dir,
          KEA_LOCKFILE_DIR: this.dir,
        },
      },
    );
    const kea = new GroupProcess(child);
    this.processes.push(kea);
    const deadline = Date.now() + 15_000;
    while (!fs.existsSync(controlSocket)) {
      if (!kea.running || Date.now() > deadline) {
        throw new Error(`Kea did not start:\n${kea.output}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
    return kea;
  }

  /**
   * Starts Kea's control agent on a loopback port, forwarding to the
   * server's control socket (a file, so reachable from outside Kea's
   * namespace).
   */
  async startControlAgent(port: number, controlSocket: string) {
    const file = path.join(this.dir, 'kea-ctrl-agent.conf');
    await fs.promises.writeFile(
      file,
      JSON.stringify({
        'Control-agent': {
          'http-host': '127.0.0.1',
          'http-port': port,
          'control-sockets': {
            dhcp4: { 'socket-type': 'unix', 'socket-name': controlSocket },
          },
        },
      }),
    );
    const child = spawn(KEA_CTRL_AGENT, ['-c', file], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KEA_PIDFILE_DIR: this.dir,
        KEA_LOCKFILE_DIR: this.dir,
      },
    });
    const agent = new GroupProcess(child);
    this.processes.push(agent);
    const deadline = Date.now() + 15_000;
    while (
      !/CTRL_AGENT_HTTP_SERVICE_STARTED|HTTP service bound/.test(agent.output)
    ) {
      if (!agent.running || Date.now() > deadline) {
        throw new Error(
          `The Kea control agent did not start:\n${agent.output}`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
    return agent;
  }

  /** Plugs in a device with this MAC and boots it: DHCP, its file, SSH. */
  async bootDevice(options: {
    name: string;
    platform: string;
    mac: string;
    serial: string;
  }): Promise<DhcpDeviceProcess> {
    const n = ++this.devices;
    const ns = `zd${this.id}n${n}`;
    const iface = `zd${this.id}n${n}a`;
    await this.addNamespace(ns, iface, options.mac);
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '-r',
        TS_LOADER,
        SIMULATOR_DHCP_MAIN,
        '--platform',
        options.platform,
        '--interface',
        iface,
        '--serial',
        options.serial,
        '--name',
        options.name,
      ],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: 'test' },
      },
    );
    const device = new DhcpDeviceProcess(child);
    this.processes.push(device);
    return device;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.processes.map(p => p.stop()));
    for (const ns of this.namespaces.reverse()) {
      await ip('netns', 'del', ns).catch(() => {});
    }
    for (const link of this.links.reverse()) {
      // Deleting a namespace takes its veth pair with it, asynchronously.
      await ip('link', 'del', link).catch(() => {});
    }
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}
