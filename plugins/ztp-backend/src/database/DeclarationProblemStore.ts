import type { Knex } from 'knex';

/** A declaration the catalog processor found problems in. */
export type DeclarationProblemRecord = {
  entityRef: string;
  location?: string;
  problems: string[];
  firstSeenAt: Date;
  updatedAt: Date;
};

/** One report of the processor: no problems means the declaration is fine. */
export type DeclarationReport = {
  entityRef: string;
  location?: string;
  problems: string[];
};

const toDate = (value: unknown): Date => {
  if (value instanceof Date) return value;
  const s = String(value);
  return new Date(/^\d+$/.test(s) ? Number(s) : s);
};

/** The declarations the catalog processor found problems in. */
export interface DeclarationProblemStore {
  /** Records the reports: problems are kept (first seen kept), fixes clear them. */
  report(reports: DeclarationReport[], at: Date): Promise<void>;
  list(limit?: number): Promise<DeclarationProblemRecord[]>;
  /** Forgets declarations not reported since the date (their file is gone). */
  prune(notReportedSince: Date): Promise<number>;
}

/** {@link DeclarationProblemStore} on knex (SQLite and PostgreSQL). */
export class DatabaseDeclarationProblemStore
  implements DeclarationProblemStore
{
  constructor(private readonly db: Knex) {}

  async report(reports: DeclarationReport[], at: Date): Promise<void> {
    if (!reports.length) return;
    await this.db.transaction(async tx => {
      const fixed = reports
        .filter(r => !r.problems.length)
        .map(r => r.entityRef);
      for (let i = 0; i < fixed.length; i += 500) {
        await tx('ztp_declaration_problems')
          .whereIn('entity_ref', fixed.slice(i, i + 500))
          .delete();
      }
      for (const r of reports.filter(x => x.problems.length)) {
        await tx('ztp_declaration_problems')
          .insert({
            entity_ref: r.entityRef,
            location: r.location ?? null,
            problems: JSON.stringify(r.problems),
            first_seen_at: at,
            updated_at: at,
          })
          .onConflict('entity_ref')
          .merge(['location', 'problems', 'updated_at']);
      }
    });
  }

  async list(limit = 500): Promise<DeclarationProblemRecord[]> {
    const rows = await this.db('ztp_declaration_problems')
      .orderBy('entity_ref')
      .limit(limit);
    return rows.map(r => ({
      entityRef: r.entity_ref,
      location: r.location ?? undefined,
      problems: JSON.parse(r.problems),
      firstSeenAt: toDate(r.first_seen_at),
      updatedAt: toDate(r.updated_at),
    }));
  }

  async prune(notReportedSince: Date): Promise<number> {
    const n = await this.db('ztp_declaration_problems')
      .where('updated_at', '<', notReportedSince)
      .delete();
    return Number(n);
  }
}
