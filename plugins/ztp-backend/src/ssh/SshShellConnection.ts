import { connect as connectTcp, Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { Client, ClientChannel } from 'ssh2';
import { socketError, sshClientError } from './connectionErrors';
import {
  HostKeyMismatchError,
  SshProtocolError,
  SshTimeoutError,
} from './errors';
import { hostKeyFingerprint, normalizeKnownHostKey } from './hostKey';
import type { OpenDeviceCliOptions } from './openDeviceCli';
import { PasswordLogin } from './PasswordLogin';
import { mergeAlgorithms } from './sshAlgorithms';

/** Settings of the pty the CLI runs in: wide enough that no line wraps. */
const PTY = { term: 'vt100', cols: 511, rows: 24 };

/**
 * The SSH transport under a CLI session: the TCP connection, the key
 * exchange against the pinned host key, the password login and the
 * interactive shell. Each step has the connect timeout; a failure after
 * the login goes to `onFailure`.
 */
export class SshShellConnection {
  /** The device's host key, as OpenSSH prints it, once it was presented. */
  fingerprint?: string;

  private readonly target: string;
  private readonly decoder = new StringDecoder('utf8');
  private readonly passwordLogin: PasswordLogin;
  private client?: Client;
  private socket?: Socket;
  private stream?: ClientChannel;
  private hostKeyRejected = false;
  private stepTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: OpenDeviceCliOptions,
    /** The session's current step, which the connection's steps update. */
    private readonly progress: { step: string },
    private readonly onFailure: (error: Error) => void,
  ) {
    this.target = `${options.host}:${options.port}`;
    this.passwordLogin = new PasswordLogin(
      this.target,
      options.username,
      options.password,
      onFailure,
    );
  }

  private get step() {
    return this.progress.step;
  }

  private set step(step: string) {
    this.progress.step = step;
  }

  /** Ends the shell, then the connection. */
  close() {
    clearTimeout(this.stepTimer);
    try {
      this.stream?.end();
    } catch {
      // The channel may already be gone.
    }
    this.client?.end();
    this.socket?.destroy();
  }

  /** Drops the connection at once (the session failed). */
  abort() {
    clearTimeout(this.stepTimer);
    this.client?.end();
    this.socket?.destroy();
  }

  connect(): Promise<Socket> {
    const { host, port, connectTimeoutMs } = this.options;
    this.step = 'connecting';
    return new Promise((resolve, reject) => {
      // Small CLI exchanges: don't let Nagle hold them for a delayed ACK.
      const socket = connectTcp({ host, port, noDelay: true });
      this.socket = socket;
      this.stepTimer = setTimeout(() => {
        socket.destroy();
        reject(
          new SshTimeoutError(
            `no TCP connection to ${this.target} within ${connectTimeoutMs} ms`,
            this.step,
          ),
        );
      }, connectTimeoutMs);
      const onError = (error: NodeJS.ErrnoException) => {
        clearTimeout(this.stepTimer);
        reject(socketError(error, this.target, this.step));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(this.stepTimer);
        socket.removeListener('error', onError);
        // ssh2 reports socket errors once it owns the socket; until then
        // (one tick) an error must not go unhandled.
        socket.on('error', () => undefined);
        resolve(socket);
      });
    });
  }

  login(socket: Socket): Promise<void> {
    const { connectTimeoutMs } = this.options;
    this.step = 'exchanging keys';
    return new Promise((resolve, reject) => {
      const client = new Client();
      this.client = client;
      let ready = false;
      this.stepTimer = setTimeout(() => {
        reject(
          new SshTimeoutError(
            `${this.target} did not complete the SSH login within ${connectTimeoutMs} ms (stopped while ${this.step})`,
            this.step,
          ),
        );
      }, connectTimeoutMs);
      client.on('handshake', () => {
        if (!ready) this.step = 'authenticating';
      });
      client.on('ready', () => {
        ready = true;
        clearTimeout(this.stepTimer);
        resolve();
      });
      client.on('error', (error: Error & { level?: string }) => {
        clearTimeout(this.stepTimer);
        const mapped = this.clientError(error);
        if (ready) this.onFailure(mapped);
        else reject(mapped);
      });
      client.on('close', () => {
        clearTimeout(this.stepTimer);
        const error = new SshProtocolError(
          `${this.target} closed the connection while ${this.step}`,
        );
        if (ready) this.onFailure(error);
        else reject(error);
      });
      try {
        client.connect({
          sock: socket,
          username: this.options.username,
          // Our own timers give the step that timed out.
          readyTimeout: 0,
          algorithms: mergeAlgorithms(this.options.algorithms),
          hostVerifier: (key: Buffer) => this.verifyHostKey(key),
          authHandler: (methodsLeft, _partial, next) =>
            next(this.passwordLogin.nextMethod(methodsLeft)),
        });
      } catch (error) {
        clearTimeout(this.stepTimer);
        reject(
          new SshProtocolError(
            `cannot start SSH with ${this.target}: ${(error as Error).message}`,
          ),
        );
      }
    });
  }

  /** Opens the shell; its output (decoded) goes to `onData`. */
  openShell(onData: (text: string) => void): Promise<ClientChannel> {
    this.step = 'opening a shell';
    return new Promise((resolve, reject) => {
      this.client!.shell(PTY, (error, stream) => {
        if (error) {
          reject(
            new SshProtocolError(
              `${this.target} refused an interactive shell: ${error.message}`,
            ),
          );
          return;
        }
        stream.on('data', (chunk: Buffer) => onData(this.decoder.write(chunk)));
        stream.stderr.on('data', (chunk: Buffer) =>
          onData(chunk.toString('utf8')),
        );
        stream.on('close', () =>
          this.onFailure(
            new SshProtocolError(
              `${this.target} ended the CLI session while ${this.step}`,
            ),
          ),
        );
        this.stream = stream;
        resolve(stream);
      });
    });
  }

  private verifyHostKey(key: Buffer): boolean {
    this.fingerprint = hostKeyFingerprint(key);
    const known = this.options.knownHostKey;
    if (known && normalizeKnownHostKey(known) !== this.fingerprint) {
      this.hostKeyRejected = true;
      return false;
    }
    return true;
  }

  private clientError(error: Error & { level?: string; code?: string }): Error {
    if (this.hostKeyRejected) {
      const expected = normalizeKnownHostKey(this.options.knownHostKey ?? '');
      return new HostKeyMismatchError(
        `${this.target} presented host key ${this.fingerprint}, but ${expected} was recorded at first contact; nothing was sent to it`,
        expected,
        this.fingerprint ?? '',
      );
    }
    return sshClientError(error, this.target, this.step, () =>
      this.passwordLogin.error(),
    );
  }
}
