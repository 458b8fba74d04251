import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { ZtpDhcpApplyStatus } from '@ztp-portal/backstage-plugin-ztp-common';
import type { DhcpApplyStore } from './DhcpApplyStore';
import { describeDhcpChange } from './describeChange';
import type { GeneratedKeaConfig } from './generateKeaConfig';
import type { KeaAnswer, KeaControl } from './KeaControlClient';

const UNREACHABLE = 'Could not reach Kea';

/** Kea's answer as a sentence: its own text, which says what it refused. */
function refusal(step: string, answer: KeaAnswer): string {
  return `Kea refused ${step} (result ${answer.result}): ${
    answer.text ?? 'no reason given'
  }`;
}

/**
 * Applies the generated configuration to a running Kea when it changed:
 * config-test first (Kea's own check, so a configuration it would refuse
 * never replaces the running one), then config-set and config-write. The
 * caller runs it on one replica at a time (a scheduler task).
 */
export class DhcpApplier {
  constructor(
    private readonly deps: {
      control: KeaControl;
      store: DhcpApplyStore;
      generate: () => Promise<GeneratedKeaConfig>;
      auditor: AuditorService;
      logger: LoggerService;
    },
  ) {}

  get endpoint(): string {
    return this.deps.control.endpoint;
  }

  /** Applies the configuration if it differs from what Kea last took or refused. */
  async applyIfChanged(): Promise<ZtpDhcpApplyStatus> {
    const { control, store, auditor, logger } = this.deps;
    const generated = await this.deps.generate();
    const previous = await store.get(control.endpoint);
    if (
      previous?.attemptedHash === generated.hash &&
      (previous.ok || !previous.error?.startsWith(UNREACHABLE))
    ) {
      // Applied already, or refused by Kea already: wait for a change.
      return this.status();
    }
    const change = describeDhcpChange(
      previous?.appliedHash ? previous.appliedDevices : undefined,
      generated.devices,
    );
    const auditorEvent = await auditor.createEvent({
      eventId: 'dhcp-config-apply',
      severityLevel: 'medium',
      meta: { endpoint: control.endpoint, change },
    });
    const at = new Date();
    let error: string | undefined;
    const subnets = (generated.config.Dhcp4.subnet4 as unknown[]).length;
    if (!subnets) {
      // A portal missing its subnets would otherwise empty a working Kea.
      error =
        'No provisioning subnet is configured (ztp.dhcp.subnets): a configuration without subnets is not applied';
    }
    try {
      const steps: [string, unknown][] = [
        ['config-test', generated.config],
        ['config-set', generated.config],
        // Written to the file Kea was started with: a restart keeps it.
        ['config-write', undefined],
      ];
      for (const [step, args] of error ? [] : steps) {
        const answer = await control.command(step, args);
        if (answer.result !== 0) {
          error = refusal(step, answer);
          break;
        }
      }
    } catch (e) {
      error = `${UNREACHABLE} at ${control.endpoint}: ${(e as Error).message}`;
    }
    await store.record(control.endpoint, {
      at,
      hash: generated.hash,
      change,
      ok: !error,
      error,
      devices: generated.devices,
    });
    if (error) {
      logger.warn(`DHCP configuration not applied (${change}): ${error}`);
      await auditorEvent.fail({
        error: new Error(error),
        meta: { endpoint: control.endpoint, change },
      });
    } else {
      logger.info(
        `DHCP configuration applied to ${control.endpoint}: ${change}`,
      );
      await auditorEvent.success({
        meta: {
          endpoint: control.endpoint,
          change,
          reservations: generated.reservationCount,
        },
      });
    }
    return this.status();
  }

  async status(): Promise<ZtpDhcpApplyStatus> {
    const r = await this.deps.store.get(this.deps.control.endpoint);
    return {
      mode: 'apply',
      endpoint: this.deps.control.endpoint,
      lastAttemptAt: r?.lastAttemptAt?.toISOString(),
      lastAppliedAt: r?.lastAppliedAt?.toISOString(),
      change: r?.change,
      error: r?.error,
      ok: r?.ok,
    };
  }
}
