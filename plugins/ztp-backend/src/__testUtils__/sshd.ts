import {
  ChildProcess,
  execFileSync,
  spawn,
  spawnSync,
} from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's openssh-server puts the daemon. */
export const SSHD_PATH = '/usr/sbin/sshd';

/** The system account tests log in with (created on first use). */
export const SSHD_TEST_USER = 'ztptest';

/** Its password. Fixed, so that test files running at once agree on it. */
export const SSHD_TEST_PASSWORD = 'Ztp-test-pass-7';

export type OpenSshServerOptions = {
  /** Host name in the fake CLI's prompt. */
  hostname?: string;
  /** Chassis serial the fake CLI reports. */
  serial?: string;
};

/** A running OpenSSH sshd whose login lands in a fake device CLI. */
export type OpenSshServer = {
  host: '127.0.0.1';
  port: number;
  username: string;
  password: string;
  /** OpenSSH's own fingerprint of the host key (ssh-keygen -l). */
  hostKeyFingerprint: string;
  /** The host public key, "ssh-ed25519 AAAA... comment". */
  hostPublicKey: string;
  /** What sshd logged so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
};

/**
 * A fake Cisco-like CLI run by sshd's ForceCommand: banner, prompt,
 * echo by the pty, a --More-- pager until "terminal length 0", and
 * "show version" / "show inventory" naming the serial.
 */
const FAKE_DEVICE_CLI = `#!/bin/bash
host="$1"
serial="$2"
paging=1
page=6
exec 3<&0

version() {
  cat <<EOF
Cisco IOS XE Software, Version 17.09.04a
Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport

$host uptime is 2 days, 4 hours, 11 minutes
System image file is "flash:packages.conf"

cisco C9300-48P (X86) processor with 1419044K/6147K bytes of memory.
Processor board ID $serial
2048K bytes of non-volatile configuration memory.

Configuration register is 0x102
EOF
}

inventory() {
  cat <<EOF
NAME: "c93xx Stack", DESCR: "c93xx Stack"
PID: C9300-48P         , VID: V02  , SN: $serial

NAME: "Switch 1", DESCR: "C9300-48P"
PID: C9300-48P         , VID: V02  , SN: $serial

NAME: "Switch 1 - Power Supply A", DESCR: "Switch 1 - Power Supply A"
PID: PWR-C1-715WAC     , VID: V02  , SN: LIT22330AB1

NAME: "Switch 1 FRU Uplink Module 1", DESCR: "8x10G Uplink Module"
PID: C9300-NM-8X       , VID: V02  , SN: FOC22340R1S
EOF
}

# Prints stdin, pausing with --More-- every $page lines while paging is on.
paged() {
  local n=0 line key
  while IFS= read -r line; do
    printf '%s\\n' "$line"
    n=$((n + 1))
    if [ "$paging" = 1 ] && [ $((n % page)) = 0 ]; then
      printf ' --More-- '
      IFS= read -rsn1 key <&3
      printf '\\b\\b\\b\\b\\b\\b\\b\\b\\b         \\b\\b\\b\\b\\b\\b\\b\\b\\b'
      [ "$key" = q ] && break
    fi
  done
}

printf '\\n%s\\n%s\\n\\n' '**  Fake device for ZTP tests  **' 'Authorized access only.'
while :; do
  printf '%s#' "$host"
  IFS= read -r command <&3 || exit 0
  command="\${command%$'\\r'}"
  case "$command" in
    'terminal length 0') paging=0 ;;
    'show version') version | paged ;;
    'show inventory') inventory | paged ;;
    exit|quit|logout) exit 0 ;;
    '') ;;
    *) printf "%% Invalid input detected at '^' marker.\\n" ;;
  esac
done
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Creates the test account if missing and sets its password (needs root). */
function ensureTestUser() {
  const script = [
    `id -u ${SSHD_TEST_USER} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${SSHD_TEST_USER}`,
    `printf '%s:%s\\n' ${SSHD_TEST_USER} "$ZTP_TEST_PASSWORD" | chpasswd`,
  ].join(' && ');
  const result = spawnSync(
    'flock',
    [join(tmpdir(), 'ztp-sshd-user.lock'), 'sh', '-c', script],
    { env: { ...process.env, ZTP_TEST_PASSWORD: SSHD_TEST_PASSWORD } },
  );
  if (result.status !== 0) {
    throw new Error(
      `Cannot prepare the test account "${SSHD_TEST_USER}" (useradd and chpasswd need root): ${
        result.stderr?.toString().trim() || result.error?.message
      }`,
    );
  }
}

function waitForListening(
  sshd: ChildProcess,
  port: number,
  log: () => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const listeners: { timer?: NodeJS.Timeout } = {};
    const onData = () => {
      if (log().includes(`Server listening on 127.0.0.1 port ${port}`)) {
        finish();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      finish();
      reject(new Error(`sshd exited with ${code}:\n${log()}`));
    };
    function finish() {
      clearTimeout(listeners.timer);
      sshd.stderr?.off('data', onData);
      sshd.off('exit', onExit);
    }
    listeners.timer = setTimeout(() => {
      finish();
      reject(new Error(`sshd did not start within 10 s:\n${log()}`));
    }, 10_000);
    sshd.stderr?.on('data', onData);
    sshd.once('exit', onExit);
  });
}

/**
 * Starts OpenSSH's sshd on 127.0.0.1 with its own configuration and host
 * key in a temporary folder. The test account logs in with a password (or
 * keyboard-interactive) and lands in a fake device CLI. Fails with a clear
 * message when sshd is not installed; call stop() to kill it.
 */
export async function startOpenSshServer(
  options: OpenSshServerOptions = {},
): Promise<OpenSshServer> {
  if (!existsSync(SSHD_PATH)) {
    throw new Error(
      `OpenSSH's sshd is not installed at ${SSHD_PATH}: install the openssh-server package (apt-get install openssh-server)`,
    );
  }
  ensureTestUser();
  mkdirSync('/run/sshd', { recursive: true });

  const dir = mkdtempSync(join(tmpdir(), 'ztp-sshd-'));
  // sshd runs the fake CLI as the test account: it must reach the folder.
  chmodSync(dir, 0o755);
  const hostKey = join(dir, 'host_ed25519');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'ztp-test-host',
    '-f',
    hostKey,
  ]);
  const cli = join(dir, 'fake-device-cli.sh');
  writeFileSync(cli, FAKE_DEVICE_CLI, { mode: 0o755 });
  writeFileSync(join(dir, 'banner'), 'ZTP test sshd: authorized access only\n');
  const hostname = options.hostname ?? 'lab-sw1.example';
  const serial = options.serial ?? 'FOC2236Y1AB';

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'UsePAM no',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication yes',
        'PubkeyAuthentication no',
        'PermitRootLogin no',
        `AllowUsers ${SSHD_TEST_USER}`,
        'AuthorizedKeysFile none',
        'MaxStartups 100:30:200',
        'MaxSessions 50',
        'LoginGraceTime 20',
        'UseDNS no',
        'PrintMotd no',
        'PrintLastLog no',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        `Banner ${join(dir, 'banner')}`,
        `ForceCommand ${cli} ${hostname} ${serial}`,
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    let output = '';
    const sshd = spawn(SSHD_PATH, ['-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    sshd.stderr.on('data', chunk => {
      output += chunk.toString();
    });
    const log = () => output;
    try {
      await waitForListening(sshd, port, log);
    } catch (error) {
      sshd.kill('SIGKILL');
      lastError = error as Error;
      // Another process took the port between our probe and sshd's bind.
      if (/Bind to port|Address already in use/i.test(output)) continue;
      break;
    }

    const publicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim();
    const fingerprint = execFileSync('ssh-keygen', [
      '-l',
      '-E',
      'sha256',
      '-f',
      `${hostKey}.pub`,
    ])
      .toString()
      .split(' ')[1];
    const killOnExit = () => sshd.kill('SIGKILL');
    process.once('exit', killOnExit);

    return {
      host: '127.0.0.1',
      port,
      username: SSHD_TEST_USER,
      password: SSHD_TEST_PASSWORD,
      hostKeyFingerprint: fingerprint,
      hostPublicKey: publicKey,
      log,
      async stop() {
        process.off('exit', killOnExit);
        if (sshd.exitCode === null && sshd.signalCode === null) {
          const exited = new Promise(resolve => sshd.once('exit', resolve));
          sshd.kill('SIGTERM');
          const timer = setTimeout(() => sshd.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('sshd could not be started');
}
