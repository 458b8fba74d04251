import type { CommandSpec } from '../../cli/commandMatcher';
import type { ShellIO } from '../../terminal/types';
import {
  bannerText,
  topLevelValue,
  usernameAccounts,
} from '../ciscoStyle/accounts';
import {
  CiscoStyleShell,
  type ExecCommand,
  type PipeCommand,
} from '../ciscoStyle/CiscoStyleShell';
import {
  type ConfigNode,
  cloneConfig,
  emptyConfig,
} from '../ciscoStyle/ConfigTree';
import { parseConfigText } from '../ciscoStyle/parseConfigText';
import { ciscoPipes, setLength } from '../ciscoStyle/pipes';
import { DEFAULT_LOGIN_BANNER } from '../defaultBanner';
import { iosTime } from '../hardware';
import type {
  DeviceFacts,
  LoadResult,
  LocalAccount,
  PlatformShell,
  PlatformSystem,
  SessionInfo,
} from '../types';
import { formatIosError, iosXeGrammar } from './grammar';
import {
  iosXeCopyHttp,
  iosXeFlashListing,
  iosXeInstall,
  iosXeVerify,
} from './imageCommands';
import type { IosXeModel } from './models';
import {
  iosXeConfigFile,
  iosXeRunningConfig,
  iosXeShowInventory,
  iosXeShowVersion,
} from './outputs';

/** "crypto key generate rsa [general-keys] [modulus N]", abbreviations allowed. */
const RSA_KEYGEN =
  /^cry(?:p(?:t(?:o)?)?)?\s+key\s+gen(?:e(?:r(?:a(?:t(?:e)?)?)?)?)?\s+rsa\b/i;

function fileName(path: string): { fs: string; name: string } | undefined {
  const m = /^(flash|bootflash|nvram):\/?(.*)$/i.exec(path);
  if (!m) return undefined;
  return { fs: m[1].toLowerCase(), name: m[2] };
}

class IosXeShell extends CiscoStyleShell {
  protected readonly grammar = iosXeGrammar;
  protected readonly formatError = formatIosError;
  protected readonly execInConfigMode = false;
  private readonly system: IosXeSystem;
  private readonly session: SessionInfo;

  constructor(system: IosXeSystem, session: SessionInfo) {
    super();
    this.system = system;
    this.session = session;
  }

  hostname(): string {
    return this.system.hostname();
  }

  motd(): string {
    return bannerText(this.system.running, 'motd') ?? '';
  }

  /** Key generation is an action of configuration mode, not a setting. */
  protected async configCommand(line: string, io: ShellIO): Promise<boolean> {
    if (!RSA_KEYGEN.test(line)) return false;
    await io.print(this.system.generateRsaKey(line));
    return true;
  }

  protected pipeCommands(): Array<CommandSpec<PipeCommand>> {
    return ciscoPipes({ section: true });
  }

  protected execCommands(): Array<CommandSpec<ExecCommand>> {
    const system = this.system;
    const facts = system.facts;
    return [
      {
        pattern: 'show version',
        value: {
          run: () => iosXeShowVersion(system.model, facts, system.hostname()),
        },
      },
      {
        pattern: 'show inventory',
        value: {
          run: () => iosXeShowInventory(system.model, facts.realSerial()),
        },
      },
      {
        pattern: 'show running-config',
        value: { run: () => system.runningConfigText() },
      },
      {
        pattern: 'show startup-config',
        value: {
          run: () => {
            if (!system.startup) return 'startup-config is not present\n';
            const text = `${iosXeConfigFile(system.startup).join('\n')}\n`;
            return `Using ${Buffer.byteLength(
              text,
            )} out of 33554432 bytes\n${text}`;
          },
        },
      },
      {
        pattern: 'show clock',
        value: { run: () => `*${iosTime(new Date())}\n` },
      },
      {
        pattern: 'show privilege',
        value: { run: () => 'Current privilege level is 15\n' },
      },
      {
        pattern: 'show ip interface brief',
        value: { run: () => this.interfaceBrief() },
      },
      { pattern: 'dir', value: { run: () => this.listFlash() } },
      { pattern: 'dir <fs>', value: { run: () => this.listFlash() } },
      { pattern: 'terminal length <n>', value: { run: ctx => setLength(ctx) } },
      { pattern: 'terminal width <n>', value: { run: () => '' } },
      { pattern: 'terminal monitor', value: { run: () => '' } },
      { pattern: 'enable', value: { run: () => '' } },
      {
        pattern: 'configure terminal',
        value: {
          run: () => {
            this.enterConfig(
              system.running,
              s => s,
              () => this.touched(),
            );
            return 'Enter configuration commands, one per line.  End with CNTL/Z.\n';
          },
        },
      },
      {
        pattern: 'configure terminal revert timer <minutes>',
        value: { run: ctx => this.configureWithRevert(ctx.args.minutes) },
      },
      {
        pattern: 'configure confirm',
        value: { run: () => this.system.confirmRevert() },
      },
      {
        pattern: 'configure revert now',
        value: { run: () => this.system.revertNow('configure revert now') },
      },
      {
        pattern: 'configure replace <file> [force]',
        value: {
          run: ctx =>
            this.configureReplace(
              ctx.io,
              ctx.args.file,
              ctx.words.includes('force'),
            ),
        },
      },
      {
        pattern: 'copy <from> <to>',
        value: { run: ctx => this.copy(ctx.io, ctx.args.from, ctx.args.to) },
      },
      { pattern: 'write [memory]', value: { run: () => this.writeMemory() } },
      {
        pattern: 'verify <rest...>',
        value: { run: ctx => iosXeVerify(facts, ctx.args.rest) },
      },
      {
        pattern: 'install <rest...>',
        value: {
          run: ctx =>
            iosXeInstall(facts, ctx.io, ctx.args.rest, {
              modified: () => this.system.configModified(),
              save: () => this.writeMemory(),
            }),
        },
      },
      {
        pattern: 'delete <rest...>',
        value: { run: ctx => this.deleteFile(ctx.io, ctx.args.rest) },
      },
    ];
  }

  /**
   * Configuration Rollback Confirmed Change: configuration mode with a
   * timer that restores the configuration from before unless "configure
   * confirm" comes first. Needs the archive feature's path.
   */
  private configureWithRevert(minutes: string): string {
    const system = this.system;
    const value = Number(minutes);
    if (!/^\d+$/.test(minutes) || value < 1 || value > 120) {
      return "% Invalid input detected at '^' marker.\n";
    }
    const archive = system.running.children.find(c => c.line === 'archive');
    if (!archive?.children.some(c => c.line.startsWith('path '))) {
      return '%Error: archive path must be configured for the rollback confirmed change\n';
    }
    system.armRevert(value);
    this.enterConfig(
      system.running,
      s => s,
      () => this.touched(),
    );
    return `Rollback Confirmed Change: Rollback will be performed in ${value} minutes unless confirmed\nEnter configuration commands, one per line.  End with CNTL/Z.\n`;
  }

  private touched(): void {
    this.system.lastChange = { at: new Date(), by: this.session.username };
    this.system.facts.notify({
      type: 'config-committed',
      by: this.session.username,
    });
  }

  private listFlash(): string {
    return iosXeFlashListing(
      this.system.facts,
      this.system.flash,
      iosTime(new Date()),
    );
  }

  private writeMemory(): string {
    this.system.startup = cloneConfig(this.system.running);
    return 'Building configuration...\n[OK]\n';
  }

  private async copy(io: ShellIO, from: string, to: string): Promise<string> {
    const source = from.toLowerCase();
    const isRunning = (p: string) => /^(system:)?running-config$/i.test(p);
    const isStartup = (p: string) => /^(nvram:)?startup-config$/i.test(p);
    if (isRunning(source) && isStartup(to)) {
      const answer = await io.readLine(
        'Destination filename [startup-config]? ',
      );
      if (answer === null) return '';
      return this.writeMemory();
    }
    if (isRunning(source)) {
      const target = fileName(to);
      if (!target || !target.name) {
        return `%Error parsing filename (Invalid argument)\n`;
      }
      const answer = await io.readLine(
        `Destination filename [${target.name}]? `,
      );
      if (answer === null) return '';
      const name = answer.trim() || target.name;
      if (this.system.flash.has(name)) {
        const confirm = await io.readLine(
          `%Warning:There is a file already existing with this name \nDo you want to over write? [confirm]`,
        );
        if (confirm === null || /^n/i.test(confirm.trim())) return '';
      }
      const text = this.system.savedConfigText();
      this.system.flash.set(name, text);
      const bytes = Buffer.byteLength(text);
      return `${bytes} bytes copied in 0.046 secs (${Math.round(
        bytes / 0.046,
      )} bytes/sec)\n`;
    }
    if (/^https?:\/\//i.test(from)) {
      return iosXeCopyHttp(
        this.system.facts,
        io,
        from,
        to,
        this.system.running.children.some(c =>
          /^file prompt quiet$/i.test(c.line),
        ),
      );
    }
    const file = fileName(source);
    if (file && isRunning(to)) {
      const text = this.system.flash.get(file.name);
      const answer = await io.readLine(
        'Destination filename [running-config]? ',
      );
      if (answer === null) return '';
      if (text === undefined) {
        return `%Error opening ${from} (No such file or directory)\n`;
      }
      parseConfigText(text, iosXeGrammar, formatIosError, this.system.running);
      this.touched();
      return `${Buffer.byteLength(text)} bytes copied in 0.051 secs\n`;
    }
    return `%Error opening ${from} (No such file or directory)\n`;
  }

  private async configureReplace(
    io: ShellIO,
    path: string,
    force: boolean,
  ): Promise<string> {
    const file = fileName(path);
    const text = file ? this.system.flash.get(file.name) : undefined;
    if (text === undefined) {
      return `%Error opening ${path} (No such file or directory)\n`;
    }
    if (!force) {
      const answer = await io.readLine(
        'This will apply all necessary additions and deletions\n' +
          'to replace the current running configuration with the\n' +
          'contents of the specified configuration file, which is\n' +
          'assumed to be a complete configuration, not a partial\n' +
          'configuration. Enter Y if you are sure you want to proceed. ? [no]: ',
      );
      if (!answer || !/^y(es)?$/i.test(answer.trim())) {
        return '%Configuration replace aborted\n';
      }
    }
    const { root } = parseConfigText(text, iosXeGrammar, formatIosError);
    this.system.running = root;
    this.touched();
    this.system.facts.notify({
      type: 'config-rolled-back',
      reason: `configure replace ${path}`,
    });
    return 'Total number of passes: 1\nRollback Done\n\n';
  }

  private async deleteFile(io: ShellIO, rest: string): Promise<string> {
    const words = rest.split(/\s+/);
    const force = words.includes('/force');
    const path = words.filter(w => !w.startsWith('/')).pop() ?? '';
    const file = fileName(path);
    if (!file || !this.system.flash.has(file.name)) {
      return `%Error deleting ${path} (No such file or directory)\n`;
    }
    if (!force) {
      const name = await io.readLine(`Delete filename [${file.name}]? `);
      if (name === null) return '';
      const confirm = await io.readLine(
        `Delete ${file.fs}:/${file.name}? [confirm]`,
      );
      if (confirm === null || /^n/i.test(confirm.trim())) return '';
    }
    this.system.flash.delete(file.name);
    return '';
  }

  private interfaceBrief(): string {
    const lines = [
      'Interface              IP-Address      OK? Method Status                Protocol',
    ];
    for (const node of this.system.running.children) {
      if (!node.line.startsWith('interface ')) continue;
      const name = node.line.slice('interface '.length);
      const address = node.children
        .find(c => c.line.startsWith('ip address '))
        ?.line.split(' ')[2];
      const down = node.children.some(c => c.line === 'shutdown');
      lines.push(
        `${name.padEnd(23)}${(address ?? 'unassigned').padEnd(16)}YES ${
          address ? 'NVRAM ' : 'unset '
        } ${(down ? 'administratively down' : 'up').padEnd(22)}${
          down ? 'down' : 'up'
        }`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The IOS XE operating system of one simulated device. */
export class IosXeSystem implements PlatformSystem {
  running: ConfigNode = emptyConfig();
  startup: ConfigNode | undefined;
  readonly flash = new Map<string, string>();
  lastChange: { at: Date; by: string } | undefined;
  readonly model: IosXeModel;
  readonly facts: DeviceFacts;

  constructor(model: IosXeModel, facts: DeviceFacts) {
    this.model = model;
    this.facts = facts;
  }

  /** Whether an RSA key pair exists: without one SSH serves nothing. */
  rsaKey = false;

  /**
   * A configuration file as AutoInstall applies it: line by line, key
   * generation included (it is an action, not a line of the result).
   */
  loadBootConfig(text: string): LoadResult {
    const lines = text.split(/\r?\n/);
    const keygen = lines.filter(l => RSA_KEYGEN.test(l.trim()));
    const { root, errors } = parseConfigText(
      lines.filter(l => !RSA_KEYGEN.test(l.trim())).join('\n'),
      iosXeGrammar,
      formatIosError,
    );
    if (errors.length) return { ok: false, errors };
    const running = this.running;
    this.running = root;
    for (const line of keygen) {
      const output = this.generateRsaKey(line.trim());
      if (!this.rsaKey) {
        this.running = running;
        return { ok: false, errors: [`"${line.trim()}": ${output.trim()}`] };
      }
    }
    this.startup = cloneConfig(root);
    this.lastChange = { at: new Date(), by: 'ztp' };
    return { ok: true };
  }

  /**
   * "crypto key generate rsa": needs a hostname other than the default and
   * a domain name, as on IOS, and a modulus of 2048 bits or more for SSH
   * version 2 clients of today.
   */
  generateRsaKey(line: string): string {
    if (!topLevelValue(this.running, 'hostname')) {
      return '% Please define a hostname other than Switch.\n';
    }
    const domain =
      topLevelValue(this.running, 'ip domain name') ??
      topLevelValue(this.running, 'ip domain-name');
    if (!domain) return '% Please define a domain-name first.\n';
    const modulus = /\bmodulus\s+(\d+)/i.exec(line)?.[1];
    if (!modulus) {
      // Without "modulus" IOS asks for the size; a script cannot answer.
      return '% Incomplete command.\n';
    }
    const bits = Number(modulus);
    if (bits < 512 || bits > 4096) {
      return `% Invalid input detected: modulus ${bits} out of range 512-4096\n`;
    }
    this.rsaKey = true;
    const name = `${this.hostname()}.${domain}`;
    return [
      `The name for the keys will be: ${name}`,
      '',
      `% The key modulus size is ${bits} bits`,
      `% Generating ${bits} bit RSA keys, keys will be non-exportable...`,
      '[OK] (elapsed time was 1 seconds)',
      '',
    ].join('\n');
  }

  eraseConfig(): void {
    this.running = emptyConfig();
    this.startup = undefined;
    this.flash.clear();
    this.rsaKey = false;
  }

  /** SSH answers only with an RSA key pair. */
  sshServiceUp(): boolean {
    return this.rsaKey;
  }

  /** The pending revert of "configure terminal revert timer". */
  private revert: { snapshot: ConfigNode; timer: NodeJS.Timeout } | undefined;

  armRevert(minutes: number): void {
    const snapshot = this.revert?.snapshot ?? cloneConfig(this.running);
    if (this.revert) clearTimeout(this.revert.timer);
    this.revert = {
      snapshot,
      timer: setTimeout(
        () => this.revertNow('the revert timer expired'),
        minutes * 60_000 * this.facts.timerScale,
      ),
    };
  }

  confirmRevert(): string {
    if (!this.revert) return '% No Rollback Confirmed Change pending\n';
    clearTimeout(this.revert.timer);
    this.revert = undefined;
    return '';
  }

  revertNow(reason: string): string {
    const pending = this.revert;
    if (!pending) return '% No Rollback Confirmed Change pending\n';
    clearTimeout(pending.timer);
    this.revert = undefined;
    this.running = pending.snapshot;
    this.lastChange = { at: new Date(), by: 'rollback confirmed change' };
    this.facts.notify({ type: 'config-rolled-back', reason });
    return 'Rollback Done\n';
  }

  reload(): void {
    this.running = this.startup ? cloneConfig(this.startup) : emptyConfig();
  }

  /** Whether the running configuration differs from the saved one. */
  configModified(): boolean {
    const saved = this.startup ? iosXeConfigFile(this.startup).join('\n') : '';
    return (
      (this.running.children.length > 0 || this.startup !== undefined) &&
      iosXeConfigFile(this.running).join('\n') !== saved
    );
  }

  hasConfig(): boolean {
    return this.running.children.length > 0;
  }

  hostname(): string {
    return (
      topLevelValue(this.running, 'hostname') ?? this.model.defaultHostname
    );
  }

  accounts(): LocalAccount[] {
    return usernameAccounts(this.running, ['5', '8', '9']);
  }

  runningConfigText(): string {
    return iosXeRunningConfig(this.running, this.lastChange);
  }

  /** The configuration as "copy running-config <file>" saves it. */
  savedConfigText(): string {
    return `${iosXeConfigFile(this.running).join('\n')}\n`;
  }

  loginBanner(): string {
    return bannerText(this.running, 'login') ?? DEFAULT_LOGIN_BANNER;
  }

  openShell(session: SessionInfo): PlatformShell {
    return new IosXeShell(this, session);
  }

  dispose(): void {
    if (this.revert) clearTimeout(this.revert.timer);
    this.revert = undefined;
  }
}
