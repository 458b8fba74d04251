import { DECLARATION_REPORT_REFRESH_MS } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  AuthService,
  coreServices,
  createServiceFactory,
  createServiceRef,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/** What the processor found in one device declaration. @public */
export type DeclarationReport = {
  /** Lower-case entity ref. */
  entityRef: string;
  /** Where the declaration comes from, e.g. file:/…/devices.yaml. */
  location?: string;
  /** One message per problem; none when the declaration is fine. */
  problems: string[];
};

/**
 * Where the ZTP catalog processor tells what it found in each declaration,
 * so that the ZTP dashboard can show declarations the catalog never
 * accepted (their processing errors have no entity page to show on).
 * @public
 */
export interface DeclarationProblemReporter {
  /** Never throws and never waits: reports go out in the background. */
  report(report: DeclarationReport): void;
  /**
   * The declarations whose problems were reported and are still held, by
   * any process (lower-case entity refs). Optional: without it, a
   * declaration refused before a restart waits for its next processing.
   */
  reportedWithProblems?(): Promise<string[]>;
}

/** Reports are gathered this long into one request. */
const FLUSH_DELAY_MS = 2000;
/** At most this many reports per request (the route takes 200). */
const BATCH = 100;

/**
 * Sends reports to the ZTP backend (POST /api/ztp/declaration-problems with
 * a service token), gathered into one request every couple of seconds, and
 * only when a declaration's findings changed (or, for problems, were last
 * sent ten minutes ago): the catalog processes every device every few
 * minutes.
 * @public
 */
export class ZtpBackendDeclarationProblemReporter
  implements DeclarationProblemReporter
{
  private readonly pending = new Map<string, DeclarationReport>();
  private readonly sent = new Map<string, { key: string; at: number }>();
  private timer?: NodeJS.Timeout;
  private unreachable = false;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      flushDelayMs?: number;
      now?: () => number;
    },
  ) {}

  report(report: DeclarationReport): void {
    const key = JSON.stringify([report.location, report.problems]);
    const last = this.sent.get(report.entityRef);
    const now = this.options.now?.() ?? Date.now();
    // A fine declaration is sent once per process (it clears what an
    // earlier process may have reported); problems again every ten minutes,
    // so that those of a declaration whose file is gone expire.
    if (
      last &&
      last.key === key &&
      (!report.problems.length || now - last.at < DECLARATION_REPORT_REFRESH_MS)
    ) {
      return;
    }
    this.pending.set(report.entityRef, report);
    this.timer ??= setTimeout(
      () => void this.flush(),
      this.options.flushDelayMs ?? FLUSH_DELAY_MS,
    );
    this.timer.unref?.();
  }

  /** Sends what is pending (also for tests). */
  async flush(): Promise<void> {
    this.timer = undefined;
    const reports = [...this.pending.values()];
    this.pending.clear();
    for (let i = 0; i < reports.length; i += BATCH) {
      await this.send(reports.slice(i, i + BATCH));
    }
  }

  /** GET /api/ztp/declaration-problems with a service token. */
  async reportedWithProblems(): Promise<string[]> {
    const response = await fetch(await this.url(), {
      headers: { authorization: `Bearer ${await this.token()}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    const body = (await response.json()) as {
      items: { entityRef: string }[];
    };
    return body.items.map(item => item.entityRef);
  }

  private async url() {
    return `${await this.options.discovery.getBaseUrl(
      'ztp',
    )}/declaration-problems`;
  }

  private async token() {
    const { auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'ztp',
    });
    return token;
  }

  private async send(reports: DeclarationReport[]) {
    const { logger } = this.options;
    try {
      const response = await fetch(await this.url(), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.token()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reports }),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status} ${response.statusText}`);
      }
      const at = this.options.now?.() ?? Date.now();
      for (const r of reports) {
        this.sent.set(r.entityRef, {
          key: JSON.stringify([r.location, r.problems]),
          at,
        });
      }
      if (this.unreachable) {
        this.unreachable = false;
        logger.info('Declaration problems reach the ZTP backend again');
      }
    } catch (error) {
      // Not marked as sent: the next processing of each device sends again.
      if (!this.unreachable) {
        this.unreachable = true;
        logger.warn(
          `Could not send declaration problems to the ZTP backend (the dashboard misses them until it answers): ${error}`,
        );
      }
    }
  }
}

/**
 * Where the ZTP catalog module reports what it finds in declarations;
 * replace it with a custom service factory to send them elsewhere.
 * @public
 */
export const declarationProblemReporterServiceRef =
  createServiceRef<DeclarationProblemReporter>({
    id: 'ztp.catalog.declaration-problems',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          discovery: coreServices.discovery,
          auth: coreServices.auth,
          logger: coreServices.logger,
        },
        factory: deps => new ZtpBackendDeclarationProblemReporter(deps),
      }),
  });
