import { AddressInfo } from 'node:net';
import {
  Algorithms,
  Connection,
  ServerChannel,
  Server,
  utils as sshUtils,
} from 'ssh2';

/** How a fake device pages long output. */
export type FakePager = {
  /** Lines per page. */
  lines: number;
  /** What the device prints to ask for a key, e.g. " --More-- ". */
  prompt: string;
  /** What it prints after the key to erase the prompt. */
  erase: string;
  /** Commands that turn paging off. */
  disabledBy: string[];
};

export type FakeDeviceOptions = {
  username?: string;
  password?: string;
  /** The prompt, e.g. "leaf-01#" or "ztp@edge-01> ". */
  prompt?: string;
  /** Login banner printed in the shell before the first prompt. */
  motd?: string;
  /** SSH userauth banner (shown before authentication). */
  authBanner?: string;
  /** Command outputs; unknown commands get an IOS-style error. */
  commands?: Record<string, string>;
  pager?: FakePager;
  /** Authentication methods the device accepts (default: password and keyboard-interactive). */
  authMethods?: Array<'password' | 'keyboard-interactive' | 'publickey'>;
  /** Private host key (OpenSSH format); a new ed25519 key by default. */
  hostKey?: string;
  /** Restricts the server's algorithms, e.g. to legacy ones. */
  algorithms?: Algorithms;
  /** Milliseconds to wait before answering a command. */
  delays?: Record<string, number>;
  /** Prints nothing until the first key press (some consoles do). */
  promptAfterKeyPress?: boolean;
  /** Refuses to start a shell. */
  refuseShell?: boolean;
  /** Lines printed between the output and the prompt (Junos "{master:0}"). */
  beforePrompt?: string[];
};

const INVALID = "% Invalid input detected at '^' marker.";

/**
 * An SSH server (ssh2's Server) that behaves like a network device's CLI:
 * pty shell with echo, banner, prompt, pager, command outputs, slow
 * answers; exec requests are refused like on most devices. For tests only;
 * it listens on 127.0.0.1.
 */
export class FakeDevice {
  readonly authAttempts: Array<{ method: string; username: string }> = [];
  readonly commandsReceived: string[] = [];
  readonly execRefused: string[] = [];
  /** How many times the pager stopped for a key. */
  pagerStops = 0;
  readonly hostKey: string;
  readonly hostPublicKey: string;
  port = 0;

  private readonly options: Required<
    Pick<FakeDeviceOptions, 'username' | 'password' | 'prompt'>
  > &
    FakeDeviceOptions;
  private server?: Server;
  private readonly connections = new Set<Connection>();

  constructor(options: FakeDeviceOptions = {}) {
    this.options = {
      username: 'ztp-admin',
      password: 'device-pass-1',
      prompt: 'leaf-01#',
      ...options,
    };
    if (options.hostKey) {
      this.hostKey = options.hostKey;
      const parsed = sshUtils.parseKey(options.hostKey);
      if (parsed instanceof Error) throw parsed;
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      this.hostPublicKey = `${key.type} ${key
        .getPublicSSH()
        .toString('base64')}`;
    } else {
      const pair = usableEd25519Pair();
      this.hostKey = pair.private;
      this.hostPublicKey = pair.public;
    }
  }

  /** The base64 key blob of the host key (as in known_hosts). */
  get hostKeyBlob(): string {
    return this.hostPublicKey.split(' ')[1];
  }

  async start(port = 0): Promise<number> {
    const server = new Server(
      {
        hostKeys: [this.hostKey],
        algorithms: this.options.algorithms,
        banner: this.options.authBanner,
      },
      client => this.onClient(client),
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.end();
    this.connections.clear();
    const server = this.server;
    this.server = undefined;
    if (server)
      await new Promise<void>(resolve => server.close(() => resolve()));
  }

  private onClient(client: Connection) {
    this.connections.add(client);
    client.on('close', () => this.connections.delete(client));
    client.on('error', () => undefined);
    const methods = this.options.authMethods ?? [
      'password',
      'keyboard-interactive',
    ];
    client.on('authentication', ctx => {
      this.authAttempts.push({ method: ctx.method, username: ctx.username });
      const userOk = ctx.username === this.options.username;
      if (ctx.method === 'password' && methods.includes('password')) {
        if (userOk && ctx.password === this.options.password) ctx.accept();
        else ctx.reject(methods);
        return;
      }
      if (
        ctx.method === 'keyboard-interactive' &&
        methods.includes('keyboard-interactive')
      ) {
        ctx.prompt(
          [{ prompt: 'Password: ', echo: false }],
          'Keyboard-interactive authentication',
          '',
          answers => {
            if (userOk && answers[0] === this.options.password) ctx.accept();
            else ctx.reject(methods);
          },
        );
        return;
      }
      ctx.reject(methods);
    });
    client.on('ready', () => {
      client.on('session', accept => {
        const session = accept();
        session.on('pty', ptyAccept => ptyAccept?.());
        session.on('window-change', changeAccept => changeAccept?.());
        session.on('env', envAccept => envAccept?.());
        session.on('exec', (_accept, reject, info) => {
          this.execRefused.push(info.command);
          reject();
        });
        session.on('shell', (shellAccept, reject) => {
          if (this.options.refuseShell) {
            reject();
            return;
          }
          this.runShell(shellAccept());
        });
      });
    });
  }

  private runShell(stream: ServerChannel) {
    const o = this.options;
    const state: {
      pagerOn: boolean;
      line: string;
      lastWasCr: boolean;
      started: boolean;
      busy: boolean;
      pending: string;
      resumePager?: (key: string) => void;
    } = {
      pagerOn: !!o.pager,
      line: '',
      lastWasCr: false,
      started: !o.promptAfterKeyPress,
      busy: false,
      pending: '',
    };

    const writeLines = (text: string) =>
      stream.write(text.replace(/\r?\n/g, '\r\n'));
    const showPrompt = () => {
      for (const extra of o.beforePrompt ?? []) writeLines(`${extra}\n`);
      stream.write(o.prompt);
    };
    const greet = () => {
      if (o.motd) writeLines(`${o.motd}\n`);
      showPrompt();
    };

    const printPaged = (text: string, done: () => void) => {
      const lines = text.replace(/\n$/, '').split('\n');
      let index = 0;
      const resume = (key: string) => {
        state.resumePager = undefined;
        stream.write(o.pager!.erase);
        if (key === 'q') done();
        else next(); // eslint-disable-line @typescript-eslint/no-use-before-define
      };
      const next = () => {
        let shown = 0;
        while (index < lines.length) {
          writeLines(`${lines[index++]}\n`);
          shown += 1;
          const pageFull = state.pagerOn && o.pager && shown >= o.pager.lines;
          if (pageFull && index < lines.length) {
            stream.write(o.pager!.prompt);
            this.pagerStops += 1;
            state.resumePager = resume;
            return;
          }
        }
        done();
      };
      next();
    };

    const execute = (command: string, done: () => void) => {
      this.commandsReceived.push(command);
      if (command === '') {
        done();
        return;
      }
      if (command === 'exit' || command === 'quit') {
        stream.exit(0);
        stream.end();
        return;
      }
      const disablesPager = o.pager?.disabledBy.includes(command) ?? false;
      if (disablesPager) state.pagerOn = false;
      const output = o.commands?.[command] ?? (disablesPager ? '' : INVALID);
      const answer = () => (output ? printPaged(output, done) : done());
      const delay = o.delays?.[command];
      if (delay) setTimeout(answer, delay);
      else answer();
    };

    const commandDone = () => {
      state.busy = false;
      showPrompt();
      const rest = state.pending;
      state.pending = '';
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      if (rest) type(rest);
    };

    /** Handles one typed character the way a line-editing CLI does. */
    const typeChar = (ch: string) => {
      if (!state.started) {
        state.started = true;
        greet();
        return;
      }
      if (ch === '\n' && state.lastWasCr) {
        state.lastWasCr = false;
        return;
      }
      state.lastWasCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        stream.write('\r\n');
        const command = state.line.trim();
        state.line = '';
        state.busy = true;
        execute(command, commandDone);
      } else if (ch === '\x7f' || ch === '\b') {
        if (state.line) {
          state.line = state.line.slice(0, -1);
          stream.write('\b \b');
        }
      } else if (ch === '\x04') {
        // Ctrl-D on an empty line: like a device, answer with a prompt.
        stream.write('\r\n');
        showPrompt();
      } else {
        state.line += ch;
        stream.write(ch);
      }
    };

    const type = (input: string) => {
      for (let i = 0; i < input.length; i++) {
        if (state.resumePager) {
          state.resumePager(input[i]);
        } else if (state.busy) {
          // Typed ahead while a command runs: handled once it is done.
          state.pending += input.slice(i);
          return;
        } else {
          typeChar(input[i]);
        }
      }
    };

    stream.on('data', (chunk: Buffer) => type(chunk.toString('utf8')));
    stream.on('error', () => undefined);
    if (state.started) greet();
  }
}

/**
 * An Ed25519 pair ssh2 can read back: its generator strips leading zero
 * bytes of the public key about once in 200 keys, and such a key fails.
 */
export function usableEd25519Pair(): { private: string; public: string } {
  for (;;) {
    const pair = sshUtils.generateKeyPairSync('ed25519');
    if (!(sshUtils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

/** A new ed25519 or RSA host key in OpenSSH format. */
export function newHostKey(type: 'ed25519' | 'rsa' = 'ed25519'): string {
  return type === 'rsa'
    ? sshUtils.generateKeyPairSync('rsa', { bits: 2048 }).private
    : usableEd25519Pair().private;
}
