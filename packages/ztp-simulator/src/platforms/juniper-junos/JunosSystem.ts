import { DEFAULT_LOGIN_BANNER } from '../defaultBanner';
import { junosTime } from '../hardware';
import type {
  DeviceFacts,
  LoadResult,
  LocalAccount,
  PlatformShell,
  PlatformSystem,
  SessionInfo,
} from '../types';
import {
  type JunosConfig,
  type JunosNode,
  cloneJunos,
  findPath,
  leafValue,
  parseJunosConfig,
  renderJunosConfig,
} from './JunosConfig';
import { JunosShell } from './JunosShell';
import type { JunosModel } from './models';
import { JUNOS_VERSION } from './outputs';
import { commitProblems, formatLoadError, validateJunos } from './schema';

const MAX_ROLLBACKS = 49;

/** Names Junos gives management ports across its families. */
const MANAGEMENT_PORT_NAME = /^(?:fxp\d+|em\d+|me\d+|re\d+:mgmt-\d+)$/;

function holdsAddress(node: JunosNode, ip: string): boolean {
  if (node.inactive) return false;
  if (!node.children) {
    return (
      node.words[0] === 'address' && (node.words[1] ?? '').startsWith(`${ip}/`)
    );
  }
  return node.children.some(child => holdsAddress(child, ip));
}

type PendingConfirm = {
  rollbackTo: JunosConfig;
  timer: NodeJS.Timeout;
  deadline: Date;
};

/** The Junos operating system of one simulated device. */
export class JunosSystem implements PlatformSystem {
  active: JunosConfig = [];
  /** Previous configurations: index 0 is "rollback 1". */
  history: JunosConfig[] = [];
  /** The candidate shared by "configure" sessions (not private ones). */
  sharedCandidate: JunosConfig | undefined;
  exclusiveOwner: JunosShell | undefined;
  pendingConfirm: PendingConfirm | undefined;
  lastCommit: { at: Date; by: string } | undefined;
  lastLogin: { at: Date; from: string } | undefined;
  readonly shells = new Set<JunosShell>();
  readonly model: JunosModel;
  readonly facts: DeviceFacts;

  constructor(model: JunosModel, facts: DeviceFacts) {
    this.model = model;
    this.facts = facts;
  }

  /** A ZTP .conf is loaded and committed; it is rejected whole on any error. */
  loadBootConfig(text: string): LoadResult {
    const parsed = parseJunosConfig(text);
    if ('error' in parsed) {
      return { ok: false, errors: [formatLoadError(parsed.error, 'ztp.conf')] };
    }
    const errors = validateJunos(parsed.config).map(e =>
      formatLoadError(e, 'ztp.conf'),
    );
    errors.push(...commitProblems(parsed.config));
    if (errors.length) return { ok: false, errors };
    this.active = parsed.config;
    this.history = [];
    this.lastCommit = { at: new Date(), by: 'root via ztp' };
    return { ok: true };
  }

  eraseConfig(): void {
    this.dispose();
    this.active = [];
    this.history = [];
    this.sharedCandidate = undefined;
  }

  /** Committed configurations persist; candidates and timers do not. */
  reload(): void {
    this.dispose();
    this.sharedCandidate = undefined;
    this.exclusiveOwner = undefined;
  }

  hasConfig(): boolean {
    return this.active.length > 0;
  }

  /**
   * An address answers on the model's own management port or on a
   * front-panel interface; on another box's management port name (em0 on
   * an EX, fxp0 on a QFX) it is configured but there is no such port.
   */
  addressReachable(ip: string): boolean {
    const interfaces = findPath(this.active, ['interfaces'])?.children ?? [];
    return interfaces.some(
      port =>
        !port.inactive &&
        (!MANAGEMENT_PORT_NAME.test(port.words[0]) ||
          port.words[0] === this.model.managementPort) &&
        holdsAddress(port, ip),
    );
  }

  hostname(): string {
    return leafValue(this.active, ['system', 'host-name']) ?? 'Amnesiac';
  }

  accounts(): LocalAccount[] {
    const login = findPath(this.active, ['system', 'login']);
    const accounts: LocalAccount[] = [];
    for (const user of login?.children ?? []) {
      if (user.words[0] !== 'user' || !user.words[1]) continue;
      const auth = user.children?.find(n => n.words[0] === 'authentication');
      const hash = auth?.children?.find(
        n => n.words[0] === 'encrypted-password',
      )?.words[1];
      if (hash)
        accounts.push({
          username: user.words[1],
          secret: { kind: 'hash', value: hash },
        });
    }
    return accounts;
  }

  runningConfigText(): string {
    return this.showConfiguration(this.active);
  }

  showConfiguration(config: JunosConfig): string {
    const header = this.lastCommit
      ? [
          `## Last commit: ${junosTime(this.lastCommit.at)} by ${
            this.lastCommit.by
          }`,
        ]
      : [];
    const version = config.some(n => n.words[0] === 'version')
      ? []
      : [`version ${JUNOS_VERSION};`];
    return `${[...header, ...version, ...renderJunosConfig(config)].join(
      '\n',
    )}\n`;
  }

  loginBanner(): string {
    const message = leafValue(this.active, ['system', 'login', 'message']);
    return message
      ? `${message.replace(/\\n/g, '\n')}\n`
      : DEFAULT_LOGIN_BANNER;
  }

  openShell(session: SessionInfo): PlatformShell {
    const shell = new JunosShell(this, session);
    this.shells.add(shell);
    return shell;
  }

  dispose(): void {
    if (this.pendingConfirm) clearTimeout(this.pendingConfirm.timer);
    this.pendingConfirm = undefined;
  }

  commit(candidate: JunosConfig, by: string): void {
    this.history.unshift(this.active);
    this.history.length = Math.min(this.history.length, MAX_ROLLBACKS);
    this.active = cloneJunos(candidate);
    this.lastCommit = { at: new Date(), by };
    this.facts.notify({ type: 'config-committed', by });
  }

  /** Commits and rolls back after `minutes` unless a plain commit follows. */
  commitConfirmed(candidate: JunosConfig, minutes: number, by: string): void {
    const rollbackTo =
      this.pendingConfirm?.rollbackTo ?? cloneJunos(this.active);
    if (this.pendingConfirm) clearTimeout(this.pendingConfirm.timer);
    this.commit(candidate, by);
    const ms = minutes * 60_000 * this.facts.timerScale;
    this.pendingConfirm = {
      rollbackTo,
      deadline: new Date(Date.now() + ms),
      timer: setTimeout(() => this.expireConfirm(), ms),
    };
  }

  /** A plain commit confirms a pending "commit confirmed". */
  confirm(): void {
    if (!this.pendingConfirm) return;
    clearTimeout(this.pendingConfirm.timer);
    this.pendingConfirm = undefined;
  }

  private expireConfirm(): void {
    const pending = this.pendingConfirm;
    if (!pending) return;
    this.pendingConfirm = undefined;
    this.commit(pending.rollbackTo, 'root (commit confirmed rollback)');
    this.facts.notify({
      type: 'config-rolled-back',
      reason: 'commit confirmed was not confirmed in time',
    });
    const now = new Date();
    for (const shell of this.shells) {
      shell.broadcast(
        `\n\nBroadcast Message from root@${this.hostname()}\n        (no tty) at ${junosTime(
          now,
        )}...\n\nCommit was not confirmed; automatic rollback complete.\n\n`,
      );
    }
  }
}
