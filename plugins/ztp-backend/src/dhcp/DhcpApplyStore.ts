import type { Knex } from 'knex';

/** The configuration a Kea endpoint last took, and the last attempt. */
export type DhcpApplyRecord = {
  endpoint: string;
  appliedHash?: string;
  attemptedHash?: string;
  /** Entity ref -> what its reservation said when Kea last took the configuration. */
  appliedDevices: Record<string, string>;
  lastAttemptAt?: Date;
  lastAppliedAt?: Date;
  change?: string;
  error?: string;
  ok?: boolean;
};

const toDate = (value: unknown): Date | undefined => {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  const s = String(value);
  return new Date(/^\d+$/.test(s) ? Number(s) : s);
};

/** ztp_dhcp_apply: shared by the replicas, so any of them reports the status. */
export class DhcpApplyStore {
  constructor(private readonly db: Knex) {}

  async get(endpoint: string): Promise<DhcpApplyRecord | undefined> {
    const r = await this.db('ztp_dhcp_apply').where({ endpoint }).first();
    if (!r) return undefined;
    return {
      endpoint: r.endpoint,
      appliedHash: r.applied_hash ?? undefined,
      attemptedHash: r.attempted_hash ?? undefined,
      appliedDevices: r.applied_devices ? JSON.parse(r.applied_devices) : {},
      lastAttemptAt: toDate(r.last_attempt_at),
      lastAppliedAt: toDate(r.last_applied_at),
      change: r.change ?? undefined,
      error: r.error ?? undefined,
      ok: r.ok === null || r.ok === undefined ? undefined : Boolean(r.ok),
    };
  }

  /** Records an attempt; a success also records what Kea now has. */
  async record(
    endpoint: string,
    attempt: {
      at: Date;
      hash: string;
      change: string;
      ok: boolean;
      error?: string;
      devices?: Record<string, string>;
    },
  ): Promise<void> {
    const row: Record<string, unknown> = {
      endpoint,
      attempted_hash: attempt.hash,
      last_attempt_at: attempt.at,
      change: attempt.change,
      ok: attempt.ok,
      error: attempt.error ?? null,
    };
    if (attempt.ok) {
      row.applied_hash = attempt.hash;
      row.last_applied_at = attempt.at;
      row.applied_devices = JSON.stringify(attempt.devices ?? {});
    }
    await this.db('ztp_dhcp_apply')
      .insert(row)
      .onConflict('endpoint')
      .merge(Object.keys(row).filter(k => k !== 'endpoint'));
  }
}
