import type { Knex } from 'knex';
import type {
  ZtpImageUpgrade,
  ZtpUpgradePhase,
} from '@ztp-portal/backstage-plugin-ztp-common';

const TABLE = 'ztp_image_upgrades';

type Row = {
  entity_ref: string;
  state: ZtpImageUpgrade['state'];
  phase: string | null;
  percent: number | null;
  from_version: string | null;
  target_version: string;
  file: string;
  error: string | null;
  actor: string;
  runner: string | null;
  lease_until: Date | string | null;
  started_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
};

const iso = (d: Date | string) => new Date(d).toISOString();

function toUpgrade(r: Row): ZtpImageUpgrade {
  return {
    entityRef: r.entity_ref,
    state: r.state,
    ...(r.phase && { phase: r.phase as ZtpUpgradePhase }),
    ...(r.percent !== null && { percent: Number(r.percent) }),
    ...(r.from_version && { fromVersion: r.from_version }),
    targetVersion: r.target_version,
    file: r.file,
    ...(r.error && { error: r.error }),
    actor: r.actor,
    startedAt: iso(r.started_at),
    updatedAt: iso(r.updated_at),
    ...(r.finished_at && { finishedAt: iso(r.finished_at) }),
  };
}

/** What a replica claims to upgrade a device. */
export type UpgradeClaim = {
  entityRef: string;
  fromVersion?: string;
  targetVersion: string;
  file: string;
  actor: string;
  runner: string;
  leaseUntil: Date;
  at: Date;
};

/**
 * The last upgrade of each device (ztp_image_upgrades). A device is
 * upgraded by the replica that claimed it; the claim is a lease renewed
 * while the upgrade runs, and a lapsed lease may be claimed again.
 */
export class ImageUpgradeStore {
  constructor(private readonly db: Knex) {}

  /**
   * Claims the device for an upgrade: true unless another upgrade of it is
   * running under a live lease (on this or another replica).
   */
  async claim(c: UpgradeClaim): Promise<boolean> {
    const values = {
      state: 'upgrading',
      phase: 'queued',
      percent: null,
      from_version: c.fromVersion?.slice(0, 64) ?? null,
      target_version: c.targetVersion.slice(0, 64),
      file: c.file,
      error: null,
      actor: c.actor,
      runner: c.runner,
      lease_until: c.leaseUntil,
      started_at: c.at,
      updated_at: c.at,
      finished_at: null,
    };
    const taken = await this.db(TABLE)
      .where({ entity_ref: c.entityRef })
      .andWhere(q =>
        q.whereNot({ state: 'upgrading' }).orWhere('lease_until', '<', c.at),
      )
      .update(values);
    if (taken > 0) return true;
    try {
      await this.db(TABLE).insert({ entity_ref: c.entityRef, ...values });
      return true;
    } catch {
      // The row exists (a running upgrade) or another replica inserted it first.
      return false;
    }
  }

  /** Records where the upgrade is and renews the lease; false if the claim was lost. */
  async progress(
    entityRef: string,
    runner: string,
    update: { phase: ZtpUpgradePhase; percent?: number; leaseUntil: Date },
  ): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ entity_ref: entityRef, runner, state: 'upgrading' })
      .update({
        phase: update.phase,
        // A renewal in the same phase keeps the download's share; a new
        // phase starts without one.
        percent:
          update.percent ??
          this.db.raw('CASE WHEN phase = ? THEN percent ELSE NULL END', [
            update.phase,
          ]),
        lease_until: update.leaseUntil,
        updated_at: new Date(),
      });
    return n > 0;
  }

  /**
   * Records the share of the image a running upgrade has downloaded, as
   * the door saw it (the door may be another replica's than the upgrade's
   * runner): only while that upgrade is downloading that file. True if a
   * row changed.
   */
  async downloadProgress(
    entityRef: string,
    file: string,
    percent: number,
  ): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({
        entity_ref: entityRef,
        file,
        state: 'upgrading',
        phase: 'downloading',
      })
      .andWhere(q => q.whereNull('percent').orWhereNot('percent', percent))
      .update({ percent, updated_at: new Date() });
    return n > 0;
  }

  async finish(
    entityRef: string,
    runner: string,
    outcome: { state: 'compliant' | 'failed'; error?: string },
  ): Promise<void> {
    const at = new Date();
    await this.db(TABLE)
      .where({ entity_ref: entityRef, runner })
      .update({
        state: outcome.state,
        error: outcome.error ?? null,
        percent: null,
        lease_until: null,
        updated_at: at,
        finished_at: at,
      });
  }

  async get(entityRef: string): Promise<ZtpImageUpgrade | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .first();
    return row ? toUpgrade(row) : undefined;
  }

  async list(entityRefs?: string[]): Promise<ZtpImageUpgrade[]> {
    const q = this.db<Row>(TABLE).orderBy('entity_ref');
    if (entityRefs) q.whereIn('entity_ref', entityRefs);
    return (await q).map(toUpgrade);
  }

  /** Upgrades of a replica that stopped: running, with a lapsed lease. */
  async lapsed(now: Date): Promise<string[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ state: 'upgrading' })
      .andWhere('lease_until', '<', now)
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /** Marks a lapsed upgrade failed: its replica stopped in the middle. */
  async failLapsed(entityRef: string, now: Date, error: string) {
    return this.db(TABLE)
      .where({ entity_ref: entityRef, state: 'upgrading' })
      .andWhere('lease_until', '<', now)
      .update({
        state: 'failed',
        error,
        lease_until: null,
        updated_at: now,
        finished_at: now,
      });
  }
}
