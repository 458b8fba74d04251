import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

export type Login = {
  host: string;
  port: number;
  username: string;
  password: string;
  algorithms?: ConnectConfig['algorithms'];
  keyboardInteractive?: boolean;
  readyTimeout?: number;
};

/** Connects and authenticates; resolves with the client and the banner seen. */
export function connect(
  login: Login,
): Promise<{ client: Client; banner: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let banner = '';
    client.on('banner', message => {
      banner += message;
    });
    client.on(
      'keyboard-interactive',
      (_name, _instructions, _lang, prompts, finish) => {
        finish(prompts.map(() => login.password));
      },
    );
    client.on('ready', () => resolve({ client, banner }));
    client.on('error', reject);
    client.connect({
      host: login.host,
      port: login.port,
      username: login.username,
      password: login.keyboardInteractive ? undefined : login.password,
      tryKeyboard: login.keyboardInteractive,
      algorithms: login.algorithms,
      readyTimeout: login.readyTimeout ?? 10_000,
    });
  });
}

/** Runs one command on an exec channel. */
export async function execCommand(
  login: Login,
  command: string,
): Promise<string> {
  const { client } = await connect(login);
  try {
    return await new Promise<string>((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) {
          reject(err);
          return;
        }
        let out = '';
        stream.on('data', (d: Buffer) => {
          out += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          out += d.toString('utf8');
        });
        stream.on('close', () => resolve(out));
      });
    });
  } finally {
    client.end();
  }
}

/**
 * An interactive shell: everything received is kept, and `expect` waits for
 * a pattern to appear after the last match.
 */
export class Shell {
  output = '';
  private consumed = 0;
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(
    readonly client: Client,
    readonly stream: ClientChannel,
    readonly banner: string,
  ) {
    stream.on('data', (d: Buffer) => {
      this.output += d.toString('utf8');
      this.wake();
    });
    stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
    client.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(login: Login, rows = 24): Promise<Shell> {
    const { client, banner } = await connect(login);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ rows, cols: 120, term: 'vt100' }, (err, s) =>
        err ? reject(err) : resolve(s),
      ),
    );
    return new Shell(client, stream, banner);
  }

  send(text: string): void {
    this.stream.write(text);
  }

  /** Waits until `pattern` matches the unread output; returns the text up to and including it. */
  async expect(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unread = this.output.slice(this.consumed);
      const re =
        typeof pattern === 'string'
          ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          : pattern;
      const m = re.exec(unread);
      if (m) {
        const end = m.index + m[0].length;
        this.consumed += end;
        return unread.slice(0, end);
      }
      if (this.closed) {
        throw new Error(
          `Shell closed while waiting for ${pattern}; got:\n${unread}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`Timed out waiting for ${pattern}; got:\n${unread}`);
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a line and returns the output up to the next prompt. */
  async run(line: string, prompt: RegExp, timeoutMs = 5000): Promise<string> {
    this.send(`${line}\r`);
    return this.expect(prompt, timeoutMs);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('Shell did not close');
      await new Promise(r => setTimeout(r, 20));
    }
  }

  close(): void {
    this.client.end();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(w => w());
  }
}
