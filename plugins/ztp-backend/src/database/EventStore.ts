import type { Knex } from 'knex';
import { toDate } from './rows';
import type { SqliteStatement } from './sqliteFastPath';
import type { EventRecord, NewEvent } from './types';

/** The devices' timelines. */
export interface EventStore {
  addEvent(event: NewEvent): Promise<void>;
  /** A device's latest events, newest first. */
  listEvents(entityRef: string, limit: number): Promise<EventRecord[]>;
  /** The latest event of each device. */
  lastEvents(entityRefs: string[]): Promise<Map<string, EventRecord>>;
  /** Deletes the events before the date; returns how many. */
  pruneEvents(before: Date): Promise<number>;
}

/** An event as a row of ztp_events (the other stores write events too). */
export function eventRow(e: NewEvent) {
  return {
    entity_ref: e.entityRef,
    at: e.at ?? new Date(),
    type: e.type,
    actor: e.actor,
    message: e.message,
    details: e.details ? JSON.stringify(e.details) : null,
  };
}

export type EventRow = ReturnType<typeof eventRow>;

function rowToEvent(r: any): EventRecord {
  return {
    id: Number(r.id),
    entityRef: r.entity_ref,
    at: toDate(r.at)!,
    type: r.type,
    actor: r.actor,
    message: r.message,
    details: r.details ? JSON.parse(r.details) : undefined,
  };
}

/** The insert of an event on the SQLite fast path (see sqliteFastPath.ts). */
export const SQLITE_INSERT_EVENT = `INSERT INTO ztp_events
  (entity_ref, at, type, actor, message, details) VALUES (?, ?, ?, ?, ?, ?)`;

export function runInsertEvent(statement: SqliteStatement, e: EventRow) {
  statement.run(
    e.entity_ref,
    e.at.getTime(),
    e.type,
    e.actor,
    e.message,
    e.details,
  );
}

/** {@link EventStore} on knex (SQLite and PostgreSQL). */
export class DatabaseEventStore implements EventStore {
  constructor(private readonly db: Knex) {}

  async addEvent(event: NewEvent) {
    await this.db('ztp_events').insert(eventRow(event));
  }

  async listEvents(entityRef: string, limit: number) {
    const rows = await this.db('ztp_events')
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(rowToEvent);
  }

  async lastEvents(entityRefs: string[]) {
    const result = new Map<string, EventRecord>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const chunk = entityRefs.slice(i, i + 500);
      const latest = this.db('ztp_events')
        .select('entity_ref')
        .max({ id: 'id' })
        .whereIn('entity_ref', chunk)
        .groupBy('entity_ref');
      const rows = await this.db('ztp_events').whereIn(
        'id',
        this.db.from(latest.as('latest')).select('id'),
      );
      for (const r of rows) result.set(r.entity_ref, rowToEvent(r));
    }
    return result;
  }

  async pruneEvents(before: Date) {
    return Number(
      await this.db('ztp_events').where('at', '<', before).delete(),
    );
  }
}
