import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  type AuthContext,
  type Connection,
  Server as Ssh2Server,
  type ServerChannel,
} from 'ssh2';
import { verifySecret } from '../crypto/verifyPasswordHash';
import { toSshBanner } from '../platforms/defaultBanner';
import type { PlatformDefinition, PlatformSystem } from '../platforms/types';
import { InputQueue } from '../terminal/InputQueue';
import { Terminal } from '../terminal/Terminal';
import { ConnectionDropped } from '../terminal/types';
import type { HostKeys } from './hostKeys';
import { sleep } from './loopback';
import type { DeviceBehaviours, LoginRecord } from './types';

/** SSH identification strings of the real platforms' servers. */
const SERVER_IDENT: Record<string, string> = {
  'cisco-iosxe': 'Cisco-1.25',
  'cisco-nxos': 'OpenSSH_8.8',
  'arista-eos': 'OpenSSH_8.7',
  'juniper-junos': 'OpenSSH_7.5',
};

const LEGACY_ALGORITHMS = {
  kex: ['diffie-hellman-group14-sha1'],
  serverHostKey: ['ssh-rsa'],
  cipher: [
    'aes128-ctr',
    'aes192-ctr',
    'aes256-ctr',
    'aes128-cbc',
    'aes256-cbc',
  ],
  hmac: ['hmac-sha1'],
} as const;

export type SshServerEvents = {
  onLogin: (record: LoginRecord) => void;
  onCommand: (username: string, line: string) => void;
  onDrop: (reason: string) => void;
};

type Options = {
  platform: PlatformDefinition;
  system: PlatformSystem;
  hostKeys: () => HostKeys;
  behaviours: DeviceBehaviours;
  events: SshServerEvents;
  /** False while the device's configuration leaves SSH unreachable. */
  available: () => boolean;
};

/**
 * The SSH service of a configured device: a TCP listener that hands each
 * connection to an ssh2 server built with the device's current host keys,
 * banner and accounts, then runs the platform CLI on shell and exec channels.
 */
export class DeviceSshServer {
  private readonly options: Options;
  private listener: NetServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(options: Options) {
    this.options = options;
  }

  /** Starts listening; resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    const server = createServer(socket => this.accept(socket));
    this.listener = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.listener = undefined;
        reject(bindError(host, port, err));
      });
      server.listen({ host, port, exclusive: true }, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops listening and cuts every open connection, like a power cut. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await new Promise<void>(r => listener.close(() => r()));
  }

  /** Cuts every open connection (the management address went away). */
  dropAll(reason: string): void {
    if (!this.sockets.size) return;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.options.events.onDrop(reason);
  }

  private accept(socket: Socket): void {
    if (!this.options.available()) {
      // Nothing answers on that address any more.
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    // Like real devices' SSH daemons: small interactive writes go out at once.
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const delay = this.options.behaviours.slowMs ?? 0;
    // A fresh ssh2 server per connection picks up the current host keys and
    // banner (they change with regenerateHostKey and configuration pushes).
    sleep(delay)
      .then(() => {
        if (socket.destroyed) return;
        const keys = this.options.hostKeys();
        const legacy = this.options.behaviours.legacyAlgorithms;
        const ssh = new Ssh2Server(
          {
            hostKeys: legacy ? [keys.rsa] : [keys.ed25519, keys.rsa],
            banner: toSshBanner(this.options.system.loginBanner()),
            ident: SERVER_IDENT[this.options.platform.id],
            algorithms: legacy
              ? {
                  kex: [...LEGACY_ALGORITHMS.kex],
                  serverHostKey: [...LEGACY_ALGORITHMS.serverHostKey],
                  cipher: [...LEGACY_ALGORITHMS.cipher],
                  hmac: [...LEGACY_ALGORITHMS.hmac],
                }
              : undefined,
          },
          client => this.handleClient(client, socket),
        );
        ssh.injectSocket(socket);
      })
      .catch(() => socket.destroy());
  }

  private handleClient(client: Connection, socket: Socket): void {
    const remoteAddress = socket.remoteAddress ?? '';
    let username = '';
    let configLines = 0;
    const behaviours = this.options.behaviours;
    const drop = (reason: string) => {
      this.options.events.onDrop(reason);
      socket.destroy();
    };
    const onConfigLine = () => {
      configLines++;
      const limit = behaviours.dropAfterConfigLines;
      if (limit !== undefined && configLines > limit) {
        const reason = `dropped after ${limit} configuration lines`;
        drop(reason);
        throw new ConnectionDropped(reason);
      }
    };

    client.on('error', () => socket.destroy());
    client.on('authentication', ctx => {
      void this.authenticate(ctx, remoteAddress, () => {
        username = ctx.username;
      });
    });
    client.on('ready', () => {
      client.on('session', accept => {
        const session = accept();
        let rows = 24;
        session.on('pty', (acceptPty, _reject, info) => {
          if (info.rows > 0) rows = info.rows;
          acceptPty?.();
        });
        session.on('window-change', (acceptChange, _reject, info) => {
          if (info.rows > 0) rows = info.rows;
          acceptChange?.();
        });
        session.on('env', acceptEnv => acceptEnv?.());
        session.on('shell', acceptShell => {
          const channel = acceptShell();
          this.runShell(
            channel,
            username,
            remoteAddress,
            rows,
            onConfigLine,
          ).catch(error =>
            this.options.events.onDrop(
              `CLI failure: ${(error as Error).message}`,
            ),
          );
        });
        session.on('exec', (acceptExec, rejectExec, info) => {
          if (behaviours.shellOnly) {
            rejectExec();
            return;
          }
          const channel = acceptExec();
          this.runExec(
            channel,
            username,
            remoteAddress,
            info.command,
            onConfigLine,
          ).catch(error =>
            this.options.events.onDrop(
              `CLI failure: ${(error as Error).message}`,
            ),
          );
        });
        session.on('subsystem', (_accept, rejectSubsystem) =>
          rejectSubsystem(),
        );
        session.on('sftp', (_accept, rejectSftp) => rejectSftp());
      });
    });
  }

  private async authenticate(
    ctx: AuthContext,
    remoteAddress: string,
    onAccepted: () => void,
  ): Promise<void> {
    const behaviours = this.options.behaviours;
    const methods: Array<'password' | 'keyboard-interactive'> =
      behaviours.keyboardInteractive ? ['keyboard-interactive'] : ['password'];
    const record = (accepted: boolean) =>
      this.options.events.onLogin({
        at: new Date(),
        username: ctx.username,
        method: ctx.method,
        accepted,
        remoteAddress,
      });

    let password: string | undefined;
    if (ctx.method === 'password' && !behaviours.keyboardInteractive) {
      password = ctx.password;
    } else if (
      ctx.method === 'keyboard-interactive' &&
      behaviours.keyboardInteractive
    ) {
      password = await new Promise<string | undefined>(resolve => {
        ctx.prompt(
          [{ prompt: 'Password: ', echo: false }],
          'Keyboard-interactive authentication prompts from server:',
          '',
          answers => resolve(answers[0]),
        );
      });
    } else {
      ctx.reject(methods);
      return;
    }

    const accepted =
      !behaviours.refusePassword &&
      password !== undefined &&
      (await this.checkPassword(ctx.username, password));
    record(accepted);
    if (accepted) {
      onAccepted();
      ctx.accept();
    } else {
      ctx.reject(methods);
    }
  }

  private async checkPassword(
    username: string,
    password: string,
  ): Promise<boolean> {
    for (const account of this.options.system.accounts()) {
      if (account.username === username) {
        return verifySecret(password, account.secret);
      }
    }
    return false;
  }

  private async runShell(
    channel: ServerChannel,
    username: string,
    remoteAddress: string,
    rows: number,
    onConfigLine: () => void,
  ): Promise<void> {
    const input = channelInput(channel);
    const terminal = new Terminal({
      input,
      output: text => {
        if (channel.writable) channel.write(text);
      },
      interactive: true,
      newline: '\r\n',
      pageLength: rows,
      pager: this.options.platform.pager,
      onConfigLine,
    });
    const shell = this.options.system.openShell({ username, remoteAddress });
    const slowMs = this.options.behaviours.slowMs ?? 0;
    try {
      await sleep(slowMs);
      terminal.write(shell.motd());
      for (;;) {
        const line = await terminal.readLine(shell.prompt());
        if (line === null) break;
        if (line.trim()) {
          this.options.events.onCommand(username, line);
          await sleep(slowMs);
        }
        const outcome = await shell.execute(line, terminal);
        if (outcome === 'exit') break;
      }
    } catch (error) {
      if (!(error instanceof ConnectionDropped)) throw error;
    } finally {
      shell.close();
      closeChannel(channel);
    }
  }

  private async runExec(
    channel: ServerChannel,
    username: string,
    remoteAddress: string,
    command: string,
    onConfigLine: () => void,
  ): Promise<void> {
    const input = channelInput(channel);
    const terminal = new Terminal({
      input,
      output: text => {
        if (channel.writable) channel.write(text);
      },
      interactive: false,
      newline: this.options.platform.execNewline,
      pageLength: 0,
      pager: this.options.platform.pager,
      onConfigLine,
    });
    const shell = this.options.system.openShell({ username, remoteAddress });
    try {
      this.options.events.onCommand(username, command);
      await sleep(this.options.behaviours.slowMs ?? 0);
      await shell.execute(command, terminal);
    } catch (error) {
      if (!(error instanceof ConnectionDropped)) throw error;
    } finally {
      shell.close();
      closeChannel(channel);
    }
  }
}

function channelInput(channel: ServerChannel): InputQueue {
  const input = new InputQueue();
  const decoder = new StringDecoder('utf8');
  channel.on('data', (data: Buffer) => input.push(decoder.write(data)));
  channel.on('end', () => input.end());
  channel.on('close', () => input.end());
  return input;
}

function closeChannel(channel: ServerChannel): void {
  if (channel.destroyed) return;
  try {
    channel.exit(0);
    channel.end();
  } catch {
    // The connection is already gone.
  }
}

function bindError(
  host: string,
  port: number,
  err: NodeJS.ErrnoException,
): Error {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EACCES':
      return new Error(
        `Cannot listen for SSH on ${where}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE; use ztp.network/ssh-port or an override to pick a higher port)`,
      );
    case 'EADDRINUSE':
      return new Error(
        `Cannot listen for SSH on ${where}: the address is already in use (another device or an sshd has it)`,
      );
    case 'EADDRNOTAVAIL':
      return new Error(
        `Cannot listen for SSH on ${where}: the address is not available on this host`,
      );
    default:
      return new Error(`Cannot listen for SSH on ${where}: ${err.message}`);
  }
}
