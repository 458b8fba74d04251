import { createHash } from 'node:crypto';
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
import { unixTime } from '../hardware';
import type {
  DeviceFacts,
  LoadResult,
  LocalAccount,
  PlatformShell,
  PlatformSystem,
  SessionInfo,
} from '../types';
import { formatNxosError, nxosGrammar } from './grammar';
import {
  bootflashName,
  nxosBootNxos,
  nxosCopyHttp,
  nxosDelete,
  nxosImageDigest,
  nxosImageListing,
  nxosInstallAll,
} from './imageCommands';
import type { NxosModel } from './models';
import {
  nxosRunningConfig,
  nxosShowInventory,
  nxosShowInventoryJson,
  nxosShowVersion,
  nxosShowVersionJson,
} from './outputs';

type Checkpoint = {
  name: string;
  config: ConfigNode;
  createdAt: Date;
  createdBy: string;
  description?: string;
};

const NXOS_LOGIN_NOTICE = `Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Copyright (C) 2002-2023, Cisco and/or its affiliates.
All rights reserved.
The copyrights to certain works contained in this software are
owned by other third parties and used and distributed under their own
licenses, such as open source.  This software is provided "as is," and unless
otherwise stated, there is no warranty, express or implied, including but not
limited to warranties of merchantability and fitness for a particular purpose.
Certain components of this software are licensed under
the GNU General Public License (GPL) version 2.0 or
GNU General Public License (GPL) version 3.0  or the GNU
Lesser General Public License (LGPL) Version 2.1 or
Lesser General Public License (LGPL) Version 2.0.
A copy of each such license is available at
http://www.opensource.org/licenses/gpl-2.0.php and
http://opensource.org/licenses/gpl-3.0.html and
http://www.opensource.org/licenses/lgpl-2.1.php and
http://www.gnu.org/licenses/old-licenses/library.txt.
`;

class NxosShell extends CiscoStyleShell {
  protected readonly grammar = nxosGrammar;
  protected readonly formatError = formatNxosError;
  protected readonly execInConfigMode = true;
  private readonly system: NxosSystem;
  private readonly session: SessionInfo;

  constructor(system: NxosSystem, session: SessionInfo) {
    super();
    this.system = system;
    this.session = session;
  }

  hostname(): string {
    return this.system.hostname();
  }

  /**
   * "boot nxos <image>": checked by the switch before it is taken; a
   * refused one is not kept in the configuration.
   */
  protected async configCommand(line: string, io: ShellIO): Promise<boolean> {
    const boot = nxosBootNxos(this.system.facts, line);
    if (!boot) return false;
    await io.print(boot.output);
    return !boot.ok;
  }

  motd(): string {
    return NXOS_LOGIN_NOTICE + (bannerText(this.system.running, 'motd') ?? '');
  }

  protected pipeCommands(): Array<CommandSpec<PipeCommand>> {
    return ciscoPipes({ json: true, noMore: true });
  }

  protected execCommands(): Array<CommandSpec<ExecCommand>> {
    const system = this.system;
    const facts = system.facts;
    return [
      {
        pattern: 'show version',
        value: {
          json: true,
          run: ctx =>
            ctx.format === 'json'
              ? nxosShowVersionJson(system.model, facts, system.hostname())
              : nxosShowVersion(system.model, facts, system.hostname()),
        },
      },
      {
        pattern: 'show inventory',
        value: {
          json: true,
          run: ctx =>
            ctx.format === 'json'
              ? nxosShowInventoryJson(system.model, facts.realSerial())
              : nxosShowInventory(system.model, facts.realSerial()),
        },
      },
      {
        pattern: 'show running-config',
        value: { run: () => system.runningConfigText() },
      },
      {
        pattern: 'show startup-config',
        value: {
          run: () =>
            system.startup
              ? nxosRunningConfig(
                  system.startup,
                  system.lastChange,
                  'show startup-config',
                )
              : 'No startup configuration\n',
        },
      },
      {
        pattern: 'show checkpoint summary',
        value: { run: () => this.checkpointSummary() },
      },
      {
        pattern: 'show hostname',
        value: { run: () => `${system.hostname()}\n` },
      },
      {
        pattern: 'show clock',
        value: {
          run: () => `${unixTime(new Date())} UTC\nTime source is NTP\n`,
        },
      },
      { pattern: 'terminal length <n>', value: { run: ctx => setLength(ctx) } },
      { pattern: 'terminal width <n>', value: { run: () => '' } },
      {
        pattern: 'configure [terminal]',
        value: {
          run: () => {
            this.enterConfig(
              system.running,
              s => s,
              () => {
                system.lastChange = new Date();
                facts.notify({
                  type: 'config-committed',
                  by: this.session.username,
                });
              },
            );
            return 'Enter configuration commands, one per line. End with CNTL/Z.\n';
          },
        },
      },
      {
        pattern: 'checkpoint <name>',
        value: { run: ctx => this.checkpoint(ctx.args.name) },
      },
      {
        pattern: 'checkpoint <name> description <text...>',
        value: { run: ctx => this.checkpoint(ctx.args.name, ctx.args.text) },
      },
      {
        pattern: 'no checkpoint <name>',
        value: {
          run: ctx =>
            system.checkpoints.delete(ctx.args.name)
              ? ''
              : `ERROR: Checkpoint ${ctx.args.name} does not exist\n`,
        },
      },
      {
        pattern: 'clear checkpoint database',
        value: {
          run: () => {
            system.checkpoints.clear();
            return '';
          },
        },
      },
      {
        pattern: 'rollback running-config checkpoint <name>',
        value: { run: ctx => this.rollback(ctx.args.name) },
      },
      {
        pattern: 'rollback running-config checkpoint <name> <mode>',
        value: { run: ctx => this.rollback(ctx.args.name) },
      },
      {
        pattern: 'copy running-config startup-config',
        value: { run: () => this.saveStartup() },
      },
      {
        pattern: 'copy running-config <to>',
        value: { run: ctx => this.copyToBootflash(ctx.args.to) },
      },
      {
        pattern: 'dir [bootflash:]',
        value: { run: () => this.listBootflash() },
      },
      {
        pattern: 'copy <from> <to>',
        value: { run: ctx => this.copyFile(ctx.args.from, ctx.args.to) },
      },
      {
        pattern: 'copy <from> <to> vrf <vrf>',
        value: { run: ctx => this.copyFile(ctx.args.from, ctx.args.to) },
      },
      {
        pattern: 'show file <path>',
        value: { run: ctx => this.showFile(ctx.args.path, false) },
      },
      {
        pattern: 'show file <path> md5sum',
        value: { run: ctx => this.showFile(ctx.args.path, true) },
      },
      {
        pattern: 'show file <path> sha256sum',
        value: {
          run: ctx =>
            nxosImageDigest(facts, ctx.args.path, 'sha256sum') ??
            `% No such file or directory: ${ctx.args.path}\n`,
        },
      },
      {
        pattern: 'delete <path>',
        value: {
          run: ctx =>
            nxosDelete(facts, system.bootflash, ctx.io, ctx.args.path, false),
        },
      },
      {
        pattern: 'delete <path> no-prompt',
        value: {
          run: ctx =>
            nxosDelete(facts, system.bootflash, ctx.io, ctx.args.path, true),
        },
      },
      {
        pattern: 'install all <rest...>',
        value: {
          run: ctx =>
            nxosInstallAll(facts, ctx.io, ctx.args.rest, () =>
              this.saveStartup(),
            ),
        },
      },
      {
        pattern: 'configure replace <file>',
        value: { run: ctx => this.configureReplace(ctx.args.file) },
      },
      {
        pattern: 'configure replace <file> commit-timeout <seconds>',
        value: {
          run: ctx => this.configureReplace(ctx.args.file, ctx.args.seconds),
        },
      },
      {
        pattern: 'configure replace commit',
        value: {
          run: () =>
            this.system.cancelReplaceTimeout()
              ? 'Configure replace commit completed successfully.\n'
              : 'ERROR: No configure replace with commit-timeout is pending\n',
        },
      },
      {
        pattern: 'show interface mgmt0',
        value: { run: () => this.showMgmt0() },
      },
    ];
  }

  /**
   * "copy http://... bootflash:<name> [vrf management]" (a real transfer
   * from the switch's address) and "copy bootflash:<name> scheduled-config"
   * (replayed after the next reboot, as POAP stages its configuration).
   */
  private async copyFile(from: string, to: string): Promise<string> {
    const source = /^bootflash:\/*(.+)$/i.exec(from);
    if (source && /^scheduled-config$/i.test(to)) {
      const text = this.system.bootflash.get(source[1]);
      if (text === undefined) {
        return `% No such file or directory: ${from}\n`;
      }
      this.system.scheduled = text;
      return 'Copy complete.\n';
    }
    if (/^https?:\/\//i.test(from) && bootflashName(to) !== undefined) {
      return nxosCopyHttp(this.system.facts, this.system.bootflash, from, to);
    }
    return `% Invalid command at copy ${from} ${to}\n`;
  }

  private showFile(path: string, md5: boolean): string {
    const image = md5
      ? nxosImageDigest(this.system.facts, path, 'md5sum')
      : undefined;
    if (image) return image;
    const m = /^bootflash:\/*(.+)$/i.exec(path);
    const text = m ? this.system.bootflash.get(m[1]) : undefined;
    if (text === undefined) return `% No such file or directory: ${path}\n`;
    if (md5) return `${createHash('md5').update(text).digest('hex')}\n`;
    return text.endsWith('\n') ? text : `${text}\n`;
  }

  private showMgmt0(): string {
    const hex = this.system.facts.baseMac().replace(/:/g, '');
    const dotted = `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`;
    return [
      'mgmt0 is up',
      'admin state is up,',
      `  Hardware: GigabitEthernet, address: ${dotted} (bia ${dotted})`,
      '  MTU 1500 bytes, BW 1000000 Kbit , DLY 10 usec',
      '',
    ].join('\n');
  }

  private checkpoint(name: string, description?: string): string {
    if (this.system.checkpoints.has(name)) {
      return `ERROR: Checkpoint name "${name}" is already in use\n`;
    }
    this.system.checkpoints.set(name, {
      name,
      config: cloneConfig(this.system.running),
      createdAt: new Date(),
      createdBy: this.session.username,
      description,
    });
    return '.....Done\n';
  }

  /**
   * Output redirection to bootflash ("show running-config > bootflash:x",
   * "echo \"line\" >> bootflash:x"), as NX-OS scripts build files.
   */
  async execute(line: string, io: ShellIO): Promise<'continue' | 'exit'> {
    const redirect = this.config
      ? null
      : /^(.*?)\s+(>>?)\s*bootflash:\/*(\S+)\s*$/.exec(line.trim());
    if (!redirect) return super.execute(line, io);
    const [, command, mode, name] = redirect;
    let text: string;
    const echo = /^echo(?:\s+(.*))?$/.exec(command);
    if (echo) {
      // A configuration line on its way to a file (dropAfterConfigLines).
      io.countConfigLine();
      const raw = (echo[1] ?? '').trim();
      const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
      text = `${quoted ? quoted[1].replace(/\\(.)/g, '$1') : raw}\n`;
    } else {
      let captured = '';
      const capture: ShellIO = {
        interactive: false,
        pageLength: 0,
        write: t => {
          captured += t;
        },
        print: async t => {
          captured += t;
        },
        readLine: async () => null,
        readUntilCtrlD: async () => null,
        countConfigLine: () => {},
      };
      await super.execute(command, capture);
      text = captured;
    }
    const before = mode === '>>' ? this.system.bootflash.get(name) ?? '' : '';
    this.system.bootflash.set(name, before + text);
    return 'continue';
  }

  /**
   * "configure replace <file> commit-timeout <s>": the file becomes the
   * running configuration, and the previous one comes back by itself
   * unless "configure replace commit" follows in time.
   */
  private configureReplace(path: string, timeout?: string): string {
    const m = /^bootflash:\/*(.+)$/i.exec(path);
    const text = m ? this.system.bootflash.get(m[1]) : undefined;
    if (text === undefined) return `ERROR: File ${path} does not exist\n`;
    const seconds = timeout === undefined ? undefined : Number(timeout);
    if (seconds !== undefined && !(seconds >= 30 && seconds <= 3600)) {
      return `% Invalid commit-timeout ${timeout}: 30-3600 seconds\n`;
    }
    const { root, errors } = parseConfigText(
      text,
      nxosGrammar,
      formatNxosError,
    );
    if (errors.length) {
      return `${errors.join(
        '\n',
      )}\nConfigure replace failed. Use 'show config-replace log exec' to see reasons for failure\n`;
    }
    this.system.replaceWithTimeout(root, seconds, this.session.username);
    return seconds === undefined
      ? 'Configure replace completed successfully.\n'
      : `Configure replace completed successfully. Please run 'configure replace commit' within ${seconds} seconds to commit the configuration\n`;
  }

  private rollback(name: string): string {
    const checkpoint = this.system.checkpoints.get(name);
    if (!checkpoint) return `ERROR: Checkpoint ${name} does not exist\n`;
    this.system.cancelReplaceTimeout();
    this.system.running = cloneConfig(checkpoint.config);
    this.system.lastChange = new Date();
    this.system.facts.notify({
      type: 'config-rolled-back',
      reason: `rollback to checkpoint ${name}`,
    });
    return [
      'Note: Applying config parallelly may fail Rollback verification',
      'Collecting Running-Config',
      '#Generating Rollback Patch',
      'Executing Rollback Patch',
      'Generating Running-config for verification',
      'Generating Patch for verification',
      'Verification is Successful',
      '',
      'Rollback completed successfully.',
      '',
    ].join('\n');
  }

  private checkpointSummary(): string {
    const lines = ['User Checkpoints:', '-'.repeat(80)];
    let i = 1;
    for (const c of this.system.checkpoints.values()) {
      const text = nxosRunningConfig(c.config, undefined);
      const at = c.createdAt;
      const date = unixTime(at).split(' ');
      lines.push(
        `${i++}) ${c.name}:`,
        `Created by ${c.createdBy}`,
        `Created at ${date[0]}, ${date[3]} ${date[2]} ${date[1]} ${date[4]}`,
        `Size is ${Buffer.byteLength(text).toLocaleString('en-US')} bytes`,
        `Description: ${c.description ?? 'None'}`,
        '',
      );
    }
    return `${lines.join('\n')}\n`;
  }

  private saveStartup(): string {
    this.system.startup = cloneConfig(this.system.running);
    return '[########################################] 100%\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n';
  }

  private copyToBootflash(to: string): string {
    const m = /^bootflash:\/*(.+)$/.exec(to);
    if (!m) return `% Invalid destination: ${to}\n`;
    this.system.bootflash.set(
      m[1],
      nxosRunningConfig(this.system.running, this.system.lastChange),
    );
    return 'Copy complete.\n';
  }

  private listBootflash(): string {
    const lines: string[] = [];
    for (const [name, text] of this.system.bootflash) {
      lines.push(
        `${String(Buffer.byteLength(text)).padStart(12)}    ${unixTime(
          new Date(),
        )}  ${name}`,
      );
    }
    const images = this.system.facts.images;
    lines.push(...nxosImageListing(this.system.facts, unixTime(new Date())));
    lines.push(
      '',
      'Usage for bootflash://sup-local',
      ` ${images.totalBytes() - images.freeBytes()} bytes used`,
      `${images.freeBytes()} bytes free`,
      `${images.totalBytes()} bytes total`,
    );
    return `${lines.join('\n')}\n`;
  }
}

/** The NX-OS operating system of one simulated Nexus. */
export class NxosSystem implements PlatformSystem {
  running: ConfigNode = emptyConfig();
  startup: ConfigNode | undefined;
  readonly checkpoints = new Map<string, Checkpoint>();
  readonly bootflash = new Map<string, string>();
  /** The configuration POAP staged, replayed at the next boot. */
  scheduled: string | undefined;
  /** What the last replay refused, line by line (POAP's replay log). */
  replayErrors: string[] = [];
  lastChange: Date | undefined;
  readonly model: NxosModel;
  readonly facts: DeviceFacts;

  constructor(model: NxosModel, facts: DeviceFacts) {
    this.model = model;
    this.facts = facts;
  }

  loadBootConfig(text: string): LoadResult {
    const { root, errors } = parseConfigText(
      text,
      nxosGrammar,
      formatNxosError,
    );
    if (errors.length) return { ok: false, errors };
    this.running = root;
    this.startup = cloneConfig(root);
    this.lastChange = new Date();
    return { ok: true };
  }

  eraseConfig(): void {
    this.running = emptyConfig();
    this.startup = undefined;
    this.scheduled = undefined;
    this.bootflash.clear();
    this.checkpoints.clear();
  }

  reload(): void {
    // Checkpoints live in memory and do not survive a reload.
    this.checkpoints.clear();
    this.running = this.startup ? cloneConfig(this.startup) : emptyConfig();
    if (this.scheduled !== undefined) {
      // POAP's replay: the staged lines go in one by one (a refused line is
      // logged and skipped), then the result is saved as the startup one.
      const { errors } = parseConfigText(
        this.scheduled,
        nxosGrammar,
        formatNxosError,
        this.running,
      );
      this.replayErrors = errors;
      if (errors.length) {
        this.facts.notify({ type: 'config-rejected', errors });
      }
      this.scheduled = undefined;
      this.startup = cloneConfig(this.running);
      this.lastChange = new Date();
    }
  }

  hasConfig(): boolean {
    return this.running.children.length > 0;
  }

  hostname(): string {
    return (
      topLevelValue(this.running, 'hostname') ??
      topLevelValue(this.running, 'switchname') ??
      'switch'
    );
  }

  accounts(): LocalAccount[] {
    return usernameAccounts(this.running, ['5']);
  }

  runningConfigText(): string {
    return nxosRunningConfig(this.running, this.lastChange);
  }

  loginBanner(): string {
    return DEFAULT_LOGIN_BANNER;
  }

  openShell(session: SessionInfo): PlatformShell {
    return new NxosShell(this, session);
  }

  /** A configure replace waiting for its commit, and what it replaced. */
  private pendingReplace:
    | { previous: ConfigNode; timer: NodeJS.Timeout }
    | undefined;

  replaceWithTimeout(
    root: ConfigNode,
    seconds: number | undefined,
    by: string,
  ): void {
    const previous = this.pendingReplace?.previous ?? cloneConfig(this.running);
    this.cancelReplaceTimeout();
    this.running = root;
    this.lastChange = new Date();
    if (seconds !== undefined) {
      this.pendingReplace = {
        previous,
        timer: setTimeout(() => {
          this.pendingReplace = undefined;
          this.running = previous;
          this.lastChange = new Date();
          this.facts.notify({
            type: 'config-rolled-back',
            reason: 'configure replace commit-timeout expired',
          });
        }, seconds * 1000 * this.facts.timerScale),
      };
    }
    this.facts.notify({ type: 'config-committed', by });
  }

  /** Stops a pending commit-timeout; false when none was pending. */
  cancelReplaceTimeout(): boolean {
    if (!this.pendingReplace) return false;
    clearTimeout(this.pendingReplace.timer);
    this.pendingReplace = undefined;
    return true;
  }

  dispose(): void {
    this.cancelReplaceTimeout();
  }
}
