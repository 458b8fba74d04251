import type { Knex } from 'knex';
import type {
  ZtpDeviceListQuery,
  ZtpImageApproval,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { imageStateCondition } from './imageStateSql';
import { isSqlite } from './sqliteFastPath';

/** The API's sort keys and the columns they sort by. */
export const SORT_COLUMNS: Record<string, string> = {
  name: 'name',
  site: 'site',
  platform: 'platform',
  managementIp: 'management_ip',
  updatedAt: 'updated_at',
};

/** SQL LIKE pattern for free text, with LIKE's wildcards escaped. */
function likePattern(text: string): string {
  return `%${text
    .toLocaleLowerCase('en-US')
    .replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/**
 * The hex digits of a search that looks like a MAC address or part of one
 * (hex digits with :, - or . between them, at least four digits), lower
 * case; undefined for any other text.
 */
export function macSearchDigits(text: string): string | undefined {
  const t = text.trim();
  if (!/^[0-9a-f]+(?:[:.-][0-9a-f]+)*$/i.test(t)) return undefined;
  const digits = t.replace(/[:.-]/g, '').toLocaleLowerCase('en-US');
  return digits.length >= 4 && digits.length <= 12 ? digits : undefined;
}

/** The devices the list query's filters and free text select. */
export function filteredDevices(
  db: Knex,
  query: ZtpDeviceListQuery,
  approvedImages: readonly ZtpImageApproval[] = [],
) {
  const q = db('ztp_devices');
  if (query.image) {
    const { sql, bindings } = imageStateCondition(query.image, approvedImages);
    q.whereRaw(sql, bindings);
  }
  if (!query.includeRemoved) q.where({ in_catalog: true });
  if (query.confMin) q.where({ conf_min_state: query.confMin });
  if (query.serial) q.where({ serial_state: query.serial });
  if (query.confFinal) q.where({ conf_final_state: query.confFinal });
  if (query.site) q.where({ site: query.site });
  if (query.platform) q.where({ platform: query.platform });
  if (query.q) {
    const pattern = likePattern(query.q);
    // Each database's own case-insensitive match, straight on the column
    // (NULL matches nothing): SQLite's LIKE ignores ASCII case as its
    // LOWER() does, PostgreSQL has ILIKE. LOWER(COALESCE(...)) on eight
    // columns made a search of 10,000 devices take four times as long.
    const like = isSqlite(db) ? 'LIKE' : 'ILIKE';
    q.where(inner => {
      for (const col of [
        'name',
        'title',
        'hostname',
        'expected_serial',
        'presented_serial',
        'mac_address',
        'management_ip',
        'site',
      ]) {
        inner.orWhereRaw(`${col} ${like} ? ESCAPE '\\'`, [pattern]);
      }
      // A MAC (or part of one) in any notation: 444c.a8a1.1024,
      // 44-4C-A8-A1-10-24, 44:4c:a8... all match the stored colon form.
      const macDigits = macSearchDigits(query.q!);
      if (macDigits) {
        inner.orWhereRaw(`REPLACE(mac_address, ':', '') ${like} ?`, [
          `%${macDigits}%`,
        ]);
      }
    });
  }
  return q;
}
