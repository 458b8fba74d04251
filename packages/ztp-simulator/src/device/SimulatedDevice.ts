import { EventEmitter } from 'node:events';
import { derivedMac, normalizeMacAddress } from '../platforms/hardware';
import { getPlatform } from '../platforms';
import type {
  PlatformDefinition,
  PlatformEvent,
  PlatformSystem,
} from '../platforms/types';
import { DeviceSshServer } from './DeviceSshServer';
import { fingerprint, generateHostKeys, type HostKeys } from './hostKeys';
import {
  assertLoopback,
  assertLoopbackUrl,
  isTestNamespaceIpv4,
  sleep,
} from './loopback';
import type {
  DeviceState,
  FetchRecord,
  LoginRecord,
  SimulatedDeviceOptions,
} from './types';
import { runZtpAgent } from './ZtpAgent';

/**
 * Events of a simulated device:
 * - state (DeviceState): booting, fetching, configured, off
 * - fetch (FetchRecord): each request of the ZTP agent
 * - config-rejected (string[]): a fetched configuration did not parse
 * - listening (port): the SSH service is up
 * - failure (Error): the SSH service could not start
 * - login (LoginRecord), command ({ username, line })
 * - config-committed, config-rolled-back (PlatformEvent)
 * - connection-dropped (reason)
 */
export class SimulatedDevice extends EventEmitter {
  readonly name: string;
  readonly platform: PlatformDefinition;
  readonly model: string;
  readonly managementIp: string;
  /** Requests the ZTP agent made, oldest first. */
  readonly fetches: FetchRecord[] = [];
  /** Login attempts over SSH, oldest first. */
  readonly logins: LoginRecord[] = [];

  private readonly options: SimulatedDeviceOptions;
  private readonly provisioningUrl: URL;
  private readonly bootFileUrl: URL | undefined;
  private readonly system: PlatformSystem;
  private readonly baseMac: string;
  private serial: string;
  private currentState: DeviceState = 'off';
  private hostKeys: HostKeys | undefined;
  private ssh: DeviceSshServer | undefined;
  private boundPort: number | undefined;
  private bootedAt = new Date();
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(options: SimulatedDeviceOptions) {
    super();
    // A device that learnt its file from DHCP runs in a test's namespace.
    const inNamespace = options.bootFileUrl !== undefined;
    if (!(inNamespace && isTestNamespaceIpv4(options.managementIp))) {
      assertLoopback(
        options.managementIp,
        `Device ${options.name}: managementIp`,
      );
    }
    this.provisioningUrl = assertLoopbackUrl(
      options.provisioningUrl,
      inNamespace,
    );
    this.bootFileUrl = inNamespace
      ? assertLoopbackUrl(options.bootFileUrl!, true)
      : undefined;
    this.options = options;
    this.name = options.name;
    this.platform = getPlatform(options.platform);
    this.model = options.model ?? this.platform.defaultModel;
    if (!this.platform.models.includes(this.model)) {
      throw new Error(
        `Device ${options.name}: unknown ${this.platform.displayName} model "${
          this.model
        }"; known models are ${this.platform.models.join(', ')}`,
      );
    }
    if (
      options.macAddress !== undefined &&
      !normalizeMacAddress(options.macAddress)
    ) {
      throw new Error(
        `Device ${options.name}: "${options.macAddress}" is not a MAC address`,
      );
    }
    this.managementIp = options.managementIp;
    this.serial = options.realSerial;
    this.baseMac =
      (options.macAddress && normalizeMacAddress(options.macAddress)) ||
      derivedMac(options.name);
    this.system = this.platform.createSystem({
      model: this.model,
      realSerial: () => this.serial,
      baseMac: () => this.baseMac,
      bootedAt: () => this.bootedAt,
      timerScale: options.timerScale ?? 1,
      notify: event => this.onPlatformEvent(event),
    });
  }

  get state(): DeviceState {
    return this.currentState;
  }

  /** The port SSH listens on once configured (useful with sshPort 0). */
  get sshPort(): number | undefined {
    return this.boundPort;
  }

  get realSerial(): string {
    return this.serial;
  }

  /** Swaps the chassis: outputs show the new serial from now on. */
  setRealSerial(serial: string): void {
    this.serial = serial;
  }

  /** The running configuration, as the platform shows it. */
  runningConfig(): string {
    return this.system.runningConfigText();
  }

  /** The hostname the device has now (from its configuration). */
  get hostname(): string {
    return this.system.hostname();
  }

  /** SHA256 fingerprint of the host key a default client negotiates. */
  hostKeyFingerprint(): string | undefined {
    if (!this.hostKeys) return undefined;
    return fingerprint(
      this.options.legacyAlgorithms ? this.hostKeys.rsa : this.hostKeys.ed25519,
    );
  }

  /** Fingerprint of the RSA host key (the one legacy clients see). */
  rsaHostKeyFingerprint(): string | undefined {
    return this.hostKeys ? fingerprint(this.hostKeys.rsa) : undefined;
  }

  /** New host keys, as after "crypto key generate" or a reinstall. */
  async regenerateHostKey(): Promise<void> {
    this.hostKeys = await generateHostKeys();
  }

  /** Forgets the configuration: the next power on runs ZTP again. */
  eraseConfig(): void {
    this.system.eraseConfig();
  }

  /**
   * Boots the device. With a saved configuration it comes up configured;
   * without one its ZTP agent fetches one, and once it is applied SSH
   * listens. Resolves when the boot has started.
   */
  async powerOn(): Promise<void> {
    if (this.currentState !== 'off') return;
    this.failure = undefined;
    this.abort = new AbortController();
    this.bootedAt = new Date();
    this.setState('booting');
    const signal = this.abort.signal;
    this.running = this.boot(signal).catch(error => {
      this.failure = error as Error;
      this.emit('failure', error);
    });
  }

  /** Cuts the power: the agent stops, SSH connections drop. */
  async powerOff(): Promise<void> {
    if (this.currentState === 'off') return;
    this.abort?.abort();
    await this.ssh?.close();
    this.ssh = undefined;
    this.boundPort = undefined;
    await this.running;
    this.system.dispose();
    this.setState('off');
  }

  /** Resolves once configured and listening; rejects if SSH could not start. */
  whenConfigured(timeoutMs = 30_000): Promise<void> {
    return this.whenState('configured', timeoutMs);
  }

  whenState(state: DeviceState, timeoutMs = 30_000): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (
      this.currentState === state &&
      (state !== 'configured' || this.ready())
    ) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const reached = () =>
        this.currentState === state && (state !== 'configured' || this.ready());
      let timer: NodeJS.Timeout | undefined = undefined;
      const handlers = {
        progress: () => {},
        failure: (_error: Error) => {},
      };
      const stop = () => {
        clearTimeout(timer);
        this.off('state', handlers.progress);
        this.off('listening', handlers.progress);
        this.off('failure', handlers.failure);
      };
      handlers.progress = () => {
        if (reached()) {
          stop();
          resolve();
        }
      };
      handlers.failure = error => {
        stop();
        reject(error);
      };
      timer = setTimeout(() => {
        stop();
        reject(
          new Error(
            `Device ${this.name} did not reach state ${state} within ${timeoutMs} ms (it is ${this.currentState})`,
          ),
        );
      }, timeoutMs);
      this.on('state', handlers.progress);
      this.on('listening', handlers.progress);
      this.on('failure', handlers.failure);
    });
  }

  /** A configured device is ready once SSH listens (or never, if unreachable). */
  private ready(): boolean {
    return this.options.unreachable === true || this.boundPort !== undefined;
  }

  private async boot(signal: AbortSignal): Promise<void> {
    this.hostKeys ??= await generateHostKeys();
    await sleep(this.options.bootDelayMs ?? 0, signal);
    if (signal.aborted) return;
    this.system.reload();
    if (!this.system.hasConfig()) {
      this.setState('fetching');
      const applied = await runZtpAgent({
        platform: this.platform,
        provisioningUrl: this.provisioningUrl,
        bootFileUrl: this.bootFileUrl,
        sourceAddress: this.managementIp,
        identity: () => ({
          declaredMac: this.options.macAddress
            ? normalizeMacAddress(this.options.macAddress)
            : undefined,
          declaredHostname: this.options.hostname,
          baseMac: this.baseMac,
          serial: this.serial,
          model: this.model,
        }),
        retryMs: this.options.fetchRetryMs ?? 1000,
        retryMaxMs: this.options.fetchRetryMaxMs ?? 15_000,
        signal,
        onFetch: record => {
          this.fetches.push(record);
          this.emit('fetch', record);
        },
        apply: text => {
          const result = this.system.loadBootConfig(text);
          if (!result.ok) this.emit('config-rejected', result.errors);
          return result.ok;
        },
      });
      if (!applied || signal.aborted) return;
    }
    this.setState('configured');
    if (this.options.unreachable) return;
    const ssh = new DeviceSshServer({
      platform: this.platform,
      system: this.system,
      hostKeys: () => this.hostKeys!,
      behaviours: this.options,
      events: {
        onLogin: record => {
          this.logins.push(record);
          this.emit('login', record);
        },
        onCommand: (username, line) => this.emit('command', { username, line }),
        onDrop: reason => this.emit('connection-dropped', reason),
      },
    });
    this.boundPort = await ssh.listen(
      this.managementIp,
      this.options.sshPort ?? 22,
    );
    if (signal.aborted) {
      await ssh.close();
      this.boundPort = undefined;
      return;
    }
    this.ssh = ssh;
    this.emit('listening', this.boundPort);
  }

  private setState(state: DeviceState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private onPlatformEvent(event: PlatformEvent): void {
    this.emit(event.type, event);
  }
}
