import {
  normalizeSoftwareVersion,
  type ZtpImageApproval,
  type ZtpImageState,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** A raw SQL condition on ztp_devices with its bindings. */
export type SqlCondition = { sql: string; bindings: string[] };

const MODEL = `UPPER(COALESCE(device_model, ''))`;
const NORMALIZED = 'running_version_normalized';

function startsWith(prefix: string): SqlCondition {
  return {
    sql: `${MODEL} LIKE ? ESCAPE '\\'`,
    bindings: [`${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`],
  };
}

function join(parts: SqlCondition[], op: 'AND' | 'OR'): SqlCondition {
  return {
    sql: `(${parts.map(p => p.sql).join(` ${op} `)})`,
    bindings: parts.flatMap(p => p.bindings),
  };
}

/**
 * The SQL twin of approvedImageFor: for each approved image, the condition
 * that it is the device's image (its platform, a model that starts with its
 * family and with no longer family of the platform), with its version as
 * compared. The first of two images for one family wins, as there.
 */
function imageChoices(approved: readonly ZtpImageApproval[]) {
  const kept = new Map<string, ZtpImageApproval>();
  for (const image of approved) {
    const key = `${image.platform}\u0000${image.modelFamily.toUpperCase()}`;
    if (!kept.has(key)) kept.set(key, image);
  }
  const images = [...kept.values()];
  return images.map(image => {
    const family = image.modelFamily.toUpperCase();
    const parts: SqlCondition[] = [
      { sql: 'platform = ?', bindings: [image.platform] },
    ];
    if (family) parts.push(startsWith(family));
    for (const other of images) {
      const longer = other.modelFamily.toUpperCase();
      if (
        other.platform === image.platform &&
        longer.length > family.length &&
        longer.startsWith(family)
      ) {
        const match = startsWith(longer);
        parts.push({ sql: `NOT ${match.sql}`, bindings: match.bindings });
      }
    }
    return {
      chosen: join(parts, 'AND'),
      version: normalizeSoftwareVersion(image.version),
    };
  });
}

/**
 * The devices in an image state, as imageCompliance computes it, for the
 * list query: the approved images are only in config, so the condition is
 * built from them on each query.
 */
export function imageStateCondition(
  state: ZtpImageState,
  approved: readonly ZtpImageApproval[],
): SqlCondition {
  const choices = imageChoices(approved);
  if (state === 'unknown') {
    if (!choices.length) return { sql: '1 = 1', bindings: [] };
    const known = join(
      [
        { sql: `${NORMALIZED} IS NOT NULL`, bindings: [] },
        join(
          choices.map(c => c.chosen),
          'OR',
        ),
      ],
      'AND',
    );
    return { sql: `NOT ${known.sql}`, bindings: known.bindings };
  }
  if (!choices.length) return { sql: '1 = 0', bindings: [] };
  const op = state === 'compliant' ? '=' : '<>';
  return join(
    [
      { sql: `${NORMALIZED} IS NOT NULL`, bindings: [] },
      join(
        choices.map(c =>
          join(
            [c.chosen, { sql: `${NORMALIZED} ${op} ?`, bindings: [c.version] }],
            'AND',
          ),
        ),
        'OR',
      ),
    ],
    'AND',
  );
}
