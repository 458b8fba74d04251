import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';
import { derivedMac, normalizeMacAddress } from '../platforms/hardware';
import { getPlatform } from '../platforms';
import type {
  PlatformDefinition,
  PlatformEvent,
  PlatformSystem,
} from '../platforms/types';
import { DeviceSshServer } from './DeviceSshServer';
import { ImageFlash } from './ImageFlash';
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
import { runDeviceScript, type ScriptEnvironment } from './runDeviceScript';
import { answerScriptRequest } from './scriptCli';
import { runZtpAgent } from './ZtpAgent';

/** The line POAP checks: the MD5 of the script without that line. */
const POAP_MD5_LINE = /^#md5sum="([0-9a-f]{32})"\s*$/m;

/** Whether a POAP script's md5sum line matches the script, as POAP checks it. */
export function poapMd5Matches(script: string): boolean {
  const declared = POAP_MD5_LINE.exec(script)?.[1];
  if (!declared) return false;
  const rest = script
    .split('\n')
    .filter(line => !line.startsWith('#md5sum'))
    .join('\n');
  return createHash('md5').update(rest).digest('hex') === declared;
}

/** What a device's scripts and reports look like in its event log. */
export type ScriptRecord = {
  at: Date;
  exitCode: number | null;
  output: string;
};

/**
 * Events of a simulated device:
 * - state (DeviceState): booting, fetching, configured, off
 * - fetch (FetchRecord): each request of the ZTP agent
 * - config-rejected (string[]): a fetched configuration did not parse, or
 *   lines a boot skipped (EOS startup-config, POAP's replay)
 * - listening (port): the SSH service is up
 * - failure (Error): the SSH service could not start
 * - login (LoginRecord), command ({ username, line })
 * - config-committed, config-rolled-back (PlatformEvent)
 * - connection-dropped (reason)
 * - script-rejected (reason): POAP refused a script (md5sum line)
 * - script-finished (ScriptRecord): a ZTP/POAP script ran
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
  /** ZTP and POAP scripts the device ran, oldest first. */
  readonly scripts: ScriptRecord[] = [];

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
  /** The software images on flash; the release running now. */
  readonly images: ImageFlash;
  private runningVersion: string | undefined;
  private reloading: Promise<void> | undefined;
  private portAfterReload: number | undefined;

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
    this.runningVersion = options.softwareVersion;
    this.images = new ImageFlash({
      platform: options.platform,
      sourceAddress: options.managementIp,
      freeBytes: options.flashFreeBytes ?? 8 * 1024 ** 3,
      totalBytes: 16 * 1024 ** 3,
      corruptDownloads: options.corruptImageDownloads === true,
      downloadBytesPerSecond: options.imageDownloadBytesPerSecond,
      checkUrl: url => assertLoopbackUrl(url, this.bootFileUrl !== undefined),
    });
    const runningVersion = () => this.runningVersion;
    this.system = this.platform.createSystem({
      model: this.model,
      // Read at each show version: an installed image changes it.
      get softwareVersion() {
        return runningVersion();
      },
      images: this.images,
      reload: () => {
        this.reloading ??= this.reloadNow().finally(() => {
          this.reloading = undefined;
        });
      },
      realSerial: () => this.serial,
      baseMac: () => this.baseMac,
      bootedAt: () => this.bootedAt,
      timerScale: options.timerScale ?? 1,
      notify: event => this.onPlatformEvent(event),
      httpGet: url => this.httpGet(url),
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
    this.hostKeys = await generateHostKeys(this.sharedRsaHostKeys());
  }

  /** The fleet's shared RSA keys, unless RSA is the key a client pins. */
  private sharedRsaHostKeys() {
    return this.options.legacyAlgorithms
      ? undefined
      : this.options.sharedRsaHostKeys;
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
    this.hostKeys ??= await generateHostKeys(this.sharedRsaHostKeys());
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
        handle: text => this.handleBootFile(text, signal),
      });
      if (signal.aborted) return;
      if (!applied) {
        this.setState('failed');
        return;
      }
    }
    this.setState('configured');
    if (this.options.unreachable) return;
    // IOS XE without an RSA key pair: nothing answers on port 22.
    if (this.system.sshServiceUp?.() === false) return;
    const ssh = new DeviceSshServer({
      platform: this.platform,
      system: this.system,
      hostKeys: () => this.hostKeys!,
      behaviours: this.options,
      available: () => this.sshAvailable(),
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
      this.portAfterReload ?? this.options.sshPort ?? 22,
    );
    if (signal.aborted) {
      await ssh.close();
      this.boundPort = undefined;
      return;
    }
    this.ssh = ssh;
    this.emit('listening', this.boundPort);
  }

  /** What the platform's ZTP agent does with the file it downloaded. */
  private async handleBootFile(
    text: string,
    signal: AbortSignal,
  ): Promise<'done' | 'retry' | 'stop'> {
    switch (this.platform.ztpAgent) {
      case 'guestshell': {
        // IOS XE runs whatever it downloaded as Python; one attempt.
        const result = await this.runScript(text, 'guestshell', signal);
        if (signal.aborted) return 'stop';
        return result.exitCode === 0 && this.system.hasConfig()
          ? 'done'
          : 'stop';
      }
      case 'poap': {
        if (!poapMd5Matches(text)) {
          // POAP refuses the script and starts over (DHCP, download).
          this.emit(
            'script-rejected',
            'the #md5sum line is missing or does not match the script',
          );
          return 'retry';
        }
        const result = await this.runScript(text, 'nxos', signal);
        if (signal.aborted || result.exitCode !== 0) return 'retry';
        await this.reboot(signal);
        return this.system.hasConfig() ? 'done' : 'retry';
      }
      case 'zerotouch': {
        if (text.startsWith('#!')) {
          // EOS runs a script and reboots once it exits 0; after a failure
          // ZeroTouch starts over (DHCP, download).
          const result = await this.runScript(text, 'eos', signal);
          if (signal.aborted || result.exitCode !== 0) return 'retry';
          await this.reboot(signal);
          return this.system.hasConfig() ? 'done' : 'retry';
        }
        return this.applyBootConfig(text, signal);
      }
      case 'config': {
        if (text.startsWith('#!')) {
          // Junos ZTP runs a file that starts with "#!" with the
          // interpreter it names; ZTP is over once it exits 0 (no
          // reboot), and starts over (DHCP, download) otherwise.
          const result = await this.runScript(text, 'junos', signal);
          if (signal.aborted || result.exitCode !== 0) return 'retry';
          return 'done';
        }
        return this.applyBootConfig(text, signal);
      }
      default:
        return this.applyBootConfig(text, signal);
    }
  }

  /** A configuration file: Junos commits it, EOS reboots into it. */
  private async applyBootConfig(
    text: string,
    signal: AbortSignal,
  ): Promise<'done' | 'retry'> {
    const result = this.system.loadBootConfig(text);
    if (!result.ok) {
      this.emit('config-rejected', result.errors);
      return 'retry';
    }
    if (this.platform.rebootsAfterZtp) await this.reboot(signal);
    return 'done';
  }

  private async runScript(
    script: string,
    environment: ScriptEnvironment,
    signal: AbortSignal,
  ): Promise<ScriptRecord> {
    const result = await runDeviceScript({
      script,
      environment,
      signal,
      answer: request =>
        answerScriptRequest(
          this.system,
          this.platform.cliErrorPattern,
          request,
          line => this.emit('command', { username: 'script', line }),
        ),
    });
    const record = { at: new Date(), ...result };
    this.scripts.push(record);
    this.emit('script-finished', record);
    return record;
  }

  /** The release show version reports (changed by an installed image). */
  get softwareVersion(): string | undefined {
    return this.runningVersion;
  }

  /**
   * A reload asked for on the CLI (an install, "reload now"): once the
   * command's output is out, SSH goes down for rebootMs, the staged image
   * boots (its release is reported from then on) with the saved
   * configuration, and SSH answers again on the same port.
   */
  private async reloadNow(): Promise<void> {
    await sleep(50);
    const port = this.boundPort;
    await this.powerOff();
    this.setState('rebooting');
    await sleep(this.options.rebootMs ?? 3000);
    this.runningVersion = this.images.bootVersion() ?? this.runningVersion;
    this.currentState = 'off';
    // Back on the port it had (an ephemeral one included).
    this.portAfterReload = port;
    await this.powerOn();
  }

  /** A reboot: SSH is down meanwhile, the saved/staged configuration loads. */
  private async reboot(signal: AbortSignal): Promise<void> {
    this.setState('rebooting');
    await sleep(this.options.rebootMs ?? 3000, signal);
    if (signal.aborted) return;
    this.bootedAt = new Date();
    // A boot image the ZTP script set (POAP, EOS) is what boots now.
    this.runningVersion = this.images.bootVersion() ?? this.runningVersion;
    this.system.reload();
  }

  /** An HTTP GET from the device's own address (its "copy http://..."). */
  private httpGet(url: string): Promise<{ status: number; body: string }> {
    // A device that booted from DHCP in a test's namespace fetches there.
    assertLoopbackUrl(url, this.bootFileUrl !== undefined);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        { localAddress: this.managementIp, timeout: 10_000, agent: false },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  private setState(state: DeviceState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private onPlatformEvent(event: PlatformEvent): void {
    // Refused lines of a boot (EOS startup-config, POAP's replay) reach
    // listeners as the ZTP agent's refusals do: the list of errors.
    if (event.type === 'config-rejected') {
      this.emit(event.type, event.errors);
      return;
    }
    this.emit(event.type, event);
    if (
      (event.type === 'config-committed' ||
        event.type === 'config-rolled-back') &&
      !this.sshAvailable()
    ) {
      this.ssh?.dropAll('the management address is no longer configured');
    }
  }

  /**
   * SSH answers while the configuration keeps the management address on
   * an interface (a push that moves it cuts the session, as on the real
   * box) and the platform's SSH service is up.
   */
  private sshAvailable(): boolean {
    if (this.system.sshServiceUp?.() === false) return false;
    if (this.system.addressReachable) {
      return this.system.addressReachable(this.managementIp);
    }
    const ip = this.managementIp.replace(/\./g, '\\.');
    return new RegExp(`\\baddress ${ip}(?:[\\s/;]|$)`, 'm').test(
      this.system.runningConfigText(),
    );
  }
}
