import { createConnection } from 'node:net';
import { SimulatedDevice } from './SimulatedDevice';
import { minimalConfig } from '../__testUtils__/minimalConfigs';
import { startProvisioningServer } from '../__testUtils__/provisioningServer';

// Scripts written here, as an operator would write them for Junos ZTP (the
// backend renders its own; the simulator shares no code with it).
function pythonScript(config: string): string {
  return `#!/usr/bin/python3
import os, subprocess, tempfile
handle, path = tempfile.mkstemp(suffix=".conf", dir="/var/tmp")
with os.fdopen(handle, "w") as f:
    f.write(${JSON.stringify(config)})
out = subprocess.run(["cli", "-c", "configure private; load override " + path + "; commit and-quit"],
                     stdout=subprocess.PIPE, universal_newlines=True).stdout
os.unlink(path)
print(out)
raise SystemExit(0 if "commit complete" in out and "error:" not in out else 1)
`;
}

function shellScript(config: string): string {
  return `#!/bin/sh
f=$(mktemp /var/tmp/ztp-XXXXXX)
cat > "$f" <<'CONFIG'
${config}CONFIG
out=$(cli -c "configure private; load merge $f; commit and-quit")
rm -f "$f"
echo "$out"
case "$out" in *"error:"*) exit 1 ;; esac
`;
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function boot(ip: string, serve: () => string) {
  const server = await startProvisioningServer(() => ({
    status: 200,
    body: serve(),
  }));
  const device = new SimulatedDevice({
    name: 'j',
    platform: 'juniper-junos',
    managementIp: ip,
    sshPort: 0,
    macAddress: '52:54:00:AB:CD:41',
    hostname: 'edge-41',
    realSerial: 'JN11D3F4AA41',
    provisioningUrl: server.url,
    fetchRetryMs: 20,
    fetchRetryMaxMs: 40,
    rebootMs: 300,
  });
  const states: string[] = [];
  device.on('state', (state: string) => states.push(state));
  await device.powerOn();
  return { server, device, states };
}

const config = (ip: string) =>
  minimalConfig('juniper-junos', {
    hostname: 'edge-41',
    username: 'u',
    password: 'p',
    ip,
  });

describe('Junos ZTP scripts', () => {
  it('runs a "#!" Python file with its cli program: load override from /var/tmp, commit, SSH up, no reboot', async () => {
    const ip = '127.0.40.141';
    const script = pythonScript(await config(ip));
    const { server, device, states } = await boot(ip, () => script);
    try {
      await device.whenConfigured(10_000);
      expect(device.scripts).toHaveLength(1);
      expect(device.scripts[0].exitCode).toBe(0);
      expect(device.scripts[0].output).toMatch(
        /load complete\ncommit complete\nExiting configuration mode/,
      );
      expect(device.hostname).toBe('edge-41');
      expect(device.fetches).toHaveLength(1);
      expect(states).not.toContain('rebooting');
      expect(await portOpen(ip, device.sshPort!)).toBe(true);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('runs a "#!/bin/sh" file with the real shell', async () => {
    const ip = '127.0.40.142';
    const script = shellScript(await config(ip));
    const { server, device } = await boot(ip, () => script);
    try {
      await device.whenConfigured(10_000);
      expect(device.scripts[0].exitCode).toBe(0);
      expect(device.hostname).toBe('edge-41');
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('refuses an unknown statement and a commit without root authentication in Junos words; ZTP starts over', async () => {
    const ip = '127.0.40.143';
    const good = await config(ip);
    let body = pythonScript(
      good.replace('    services {', '    bogus-statement;\n    services {'),
    );
    const { server, device } = await boot(ip, () => body);
    try {
      const unknown = await new Promise<any>(resolve =>
        device.once('script-finished', resolve),
      );
      expect(unknown.exitCode).toBe(1);
      expect(unknown.output).toMatch(
        /^\/var\/tmp\/\S+\.conf:\d+:\(\d+\) syntax error: bogus-statement$/m,
      );
      expect(unknown.output).toMatch(/^error: configuration load failed/m);
      // The commit after the refused load has the factory default to
      // commit, which has no root password either.
      expect(unknown.output).toMatch(
        /Missing mandatory statement: 'root-authentication'\nerror: configuration check-out failed/,
      );
      body = pythonScript(
        good.replace(/ {4}root-authentication \{\n[^}]*\}\n/, ''),
      );
      const noRoot = await new Promise<any>(resolve =>
        device.once('script-finished', resolve),
      );
      expect(noRoot.exitCode).toBe(1);
      expect(noRoot.output).toMatch(
        /^load complete\n\[edit\]\n {2}'system'\n {4}Missing mandatory statement: 'root-authentication'\nerror: configuration check-out failed$/m,
      );
      expect(device.state).toBe('fetching');
      expect(device.sshPort).toBeUndefined();
      // Asked again each time, and then commits the good one.
      body = pythonScript(good);
      await device.whenConfigured(10_000);
      expect(device.fetches.length).toBeGreaterThanOrEqual(3);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('does not run a script whose interpreter the box lacks the simulation of (SLAX)', async () => {
    const ip = '127.0.40.144';
    const { server, device } = await boot(
      ip,
      () => '#!/usr/libexec/ui/cli\nversion 1.0;\n',
    );
    try {
      const run = await new Promise<any>(resolve =>
        device.once('script-finished', resolve),
      );
      expect(run.exitCode).toBe(126);
      expect(device.state).not.toBe('configured');
    } finally {
      await device.powerOff();
      await server.close();
    }
  });
});
