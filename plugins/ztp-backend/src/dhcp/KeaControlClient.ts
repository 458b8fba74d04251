import net from 'node:net';

/** One answer of Kea's control channel. */
export type KeaAnswer = {
  /** 0 success, 1 error, 2 unsupported, 3 empty (e.g. no leases). */
  result: number;
  text?: string;
  arguments?: any;
};

/** Sends commands to a running kea-dhcp4. */
export interface KeaControl {
  /** e.g. unix:/run/kea/kea4-ctrl-socket or http://127.0.0.1:8000/ */
  readonly endpoint: string;
  command(name: string, args?: unknown): Promise<KeaAnswer>;
}

const TIMEOUT_MS = 30_000;

/** The server's own unix control socket: one command per connection. */
export class KeaUnixSocketControl implements KeaControl {
  readonly endpoint: string;

  constructor(private readonly socketPath: string) {
    this.endpoint = `unix:${socketPath}`;
  }

  command(name: string, args?: unknown): Promise<KeaAnswer> {
    const body = JSON.stringify(
      args === undefined
        ? { command: name }
        : { command: name, arguments: args },
    );
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.socketPath);
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error?: Error, answer?: KeaAnswer) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        if (error) reject(error);
        else resolve(answer!);
      };
      // Kea answers with one JSON document; it may close the connection
      // after it, or not, so the answer ends where it parses.
      const tryParse = () => {
        try {
          return JSON.parse(
            Buffer.concat(chunks).toString('utf8'),
          ) as KeaAnswer;
        } catch {
          return undefined;
        }
      };
      socket.setTimeout(TIMEOUT_MS, () =>
        finish(new Error(`Kea did not answer ${name} on ${this.endpoint}`)),
      );
      socket.on('connect', () => socket.write(body));
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const answer = tryParse();
        if (answer) finish(undefined, answer);
      });
      socket.on('end', () => {
        const answer = tryParse();
        if (answer) finish(undefined, answer);
        else
          finish(
            new Error(
              `Kea closed ${this.endpoint} without an answer to ${name}`,
            ),
          );
      });
      socket.on('error', error =>
        finish(
          new Error(`Kea control socket ${this.endpoint}: ${error.message}`),
        ),
      );
    });
  }
}

/** The Kea control agent's HTTP API, forwarding to the dhcp4 service. */
export class KeaAgentControl implements KeaControl {
  constructor(readonly endpoint: string) {}

  async command(name: string, args?: unknown): Promise<KeaAnswer> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        command: name,
        service: ['dhcp4'],
        ...(args === undefined ? {} : { arguments: args }),
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let answers: unknown;
    try {
      answers = JSON.parse(text);
    } catch {
      throw new Error(
        `The Kea control agent at ${this.endpoint} answered ${name} with HTTP ${response.status} and no JSON`,
      );
    }
    // The agent answers with one entry per service named.
    const answer = Array.isArray(answers) ? answers[0] : answers;
    if (!answer || typeof (answer as KeaAnswer).result !== 'number') {
      throw new Error(
        `The Kea control agent at ${
          this.endpoint
        } answered ${name} with ${text.slice(0, 200)}`,
      );
    }
    return answer as KeaAnswer;
  }
}

/** The control channel the settings name: the agent when given, else the socket. */
export function keaControlFromSettings(control?: {
  socket?: string;
  agentUrl?: string;
}): KeaControl | undefined {
  if (control?.agentUrl) return new KeaAgentControl(control.agentUrl);
  if (control?.socket) return new KeaUnixSocketControl(control.socket);
  return undefined;
}
