import { createHash } from 'node:crypto';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SERIAL_CORRECTED_FROM,
  NETWORK_DEVICE_TYPE,
  parseDeviceAnnotations,
  serialsMatch,
} from '@ztp-portal/backstage-plugin-ztp-common';
import pLimit from 'p-limit';
import type { DeclaredDevice, NewDevice, ZtpStore } from '../database/types';
import type { CredentialVault } from './CredentialVault';
import type { PlatformRegistry } from './PlatformRegistry';

export type SyncResult = {
  added: string[];
  updated: string[];
  removed: string[];
  invalid: string[];
};

/** Reads a catalog entity as a queue declaration; undefined when invalid. */
export function declarationFromEntity(
  entity: Entity,
  platformIds: string[],
): DeclaredDevice | undefined {
  const parsed = parseDeviceAnnotations(
    entity.metadata.annotations ?? {},
    platformIds,
  );
  if (!parsed.ok) return undefined;
  const d = parsed.declaration;
  const declared: Omit<DeclaredDevice, 'declarationHash'> = {
    entityRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title,
    site: d.site,
    role: d.role,
    platform: d.platform,
    managementAddress: d.managementAddress,
    managementIp: d.managementIp,
    managementInterface: d.managementInterface,
    managementVrf: d.managementVrf,
    defaultGateway: d.defaultGateway,
    sshPort: d.sshPort,
    macAddress: d.macAddress,
    switchPort: d.switchPort,
    hostname: d.hostname ?? entity.metadata.name,
    serial: d.serial,
    serialTemporary: d.serialTemporary,
  };
  return {
    ...declared,
    declarationHash: createHash('sha1')
      .update(JSON.stringify(declared))
      .digest('hex'),
  };
}

/**
 * Keeps the ZTP queue in step with the catalog: devices added to the catalog
 * enter the queue with a fresh local account, changed declarations are
 * picked up, removed devices leave the queue with their history kept.
 */
/** Devices inserted per transaction during an import. */
const IMPORT_BATCH = 200;
/** Accounts hashed at once (scrypt runs on libuv's thread pool). */
const HASH_CONCURRENCY = 4;

export class DeviceQueueSync {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: ZtpStore;
      vault: CredentialVault;
      platforms: PlatformRegistry;
      logger: LoggerService;
      onChanged: (result: SyncResult) => void;
    },
  ) {}

  private running?: Promise<SyncResult>;
  /** Declarations by entity ref: unchanged entities are not re-validated. */
  private readonly parsed = new Map<
    string,
    { etag: string; declared: DeclaredDevice | undefined }
  >();

  /**
   * Runs one sync; a call while one is running shares it, so the startup
   * sync and the scheduled one never import the same device twice.
   */
  run(): Promise<SyncResult> {
    if (!this.running) {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private declare(
    entity: Entity,
    platformIds: string[],
  ): DeclaredDevice | undefined {
    // What the declaration depends on; far cheaper than validating it.
    const etag = JSON.stringify([
      entity.metadata.title,
      entity.metadata.annotations,
    ]);
    const key = `${stringifyEntityRef(entity)}\n${platformIds.join(',')}`;
    const hit = this.parsed.get(key);
    if (hit && hit.etag === etag) return hit.declared;
    const declared = declarationFromEntity(entity, platformIds);
    this.parsed.set(key, { etag, declared });
    return declared;
  }

  private async runOnce(): Promise<SyncResult> {
    const { catalog, auth, store, vault, platforms, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': NETWORK_DEVICE_TYPE } },
      { credentials },
    );
    const corrections = new Map(
      (await store.listSerialCorrections()).map(c => [c.entityRef, c]),
    );
    // What an unchanged device is compared on; full rows are read only for
    // the few that changed.
    const active = await store.listActiveDeclarations();
    const result: SyncResult = {
      added: [],
      updated: [],
      removed: [],
      invalid: [],
    };
    const seen = new Set<string>();
    const platformIds = platforms.ids();

    // Devices new to the queue: their accounts are generated and hashed
    // concurrently (the platform hashes are deliberately slow) and they are
    // inserted a batch per transaction.
    let fresh: {
      device: Omit<
        NewDevice,
        'localUsername' | 'localPasswordEnc' | 'localPasswordHash'
      >;
      driverName: string;
      hash: { hashPassword(password: string): Promise<string> };
    }[] = [];
    const importFresh = async () => {
      const batch = fresh;
      fresh = [];
      const limit = pLimit(HASH_CONCURRENCY);
      try {
        const entries = await Promise.all(
          batch.map(({ device, driverName, hash }) =>
            limit(async () => {
              const account = vault.generateAccount();
              return {
                device: {
                  ...device,
                  localUsername: account.username,
                  localPasswordEnc: vault.encrypt(
                    account.password,
                    device.entityRef,
                  ),
                  localPasswordHash: await hash.hashPassword(account.password),
                },
                event: {
                  entityRef: device.entityRef,
                  type: 'device.added' as const,
                  actor: 'system',
                  message: `Entered the ZTP queue (${driverName}, ${device.managementAddress}); local account ${account.username} generated`,
                },
              };
            }),
          ),
        );
        await store.insertDevices(entries);
        result.added.push(...entries.map(e => e.device.entityRef));
      } catch (error) {
        logger.error(
          `Could not import ${batch.length} ZTP devices (${batch
            .slice(0, 3)
            .map(b => b.device.entityRef)
            .join(', ')}${batch.length > 3 ? ', …' : ''}): ${error}`,
        );
      }
    };

    let processed = 0;
    for (const entity of items) {
      // Let device requests in between: a large fleet must not stall the door.
      if (++processed % 200 === 0) await new Promise(r => setImmediate(r));
      const declared = this.declare(entity, platformIds);
      if (!declared) {
        // The catalog processor reports what is wrong on the entity page.
        result.invalid.push(stringifyEntityRef(entity));
        continue;
      }
      seen.add(declared.entityRef);
      const correction = corrections.get(declared.entityRef);
      const correctedFrom =
        entity.metadata.annotations?.[ANNOTATION_SERIAL_CORRECTED_FROM];
      // An operator's correction wins over the temporary serial still in the
      // declaration's source file; a new declaration of another serial wins
      // over the correction.
      const expectedSerial =
        correction &&
        (serialsMatch(declared.serial, correction.previousSerial) ||
          serialsMatch(declared.serial, correction.serial) ||
          (correctedFrom &&
            serialsMatch(correctedFrom, correction.previousSerial)))
          ? correction.serial
          : declared.serial;
      const device = {
        ...declared,
        serialTemporary: correction ? false : declared.serialTemporary,
        expectedSerial,
      };
      const known = active.get(declared.entityRef);
      if (
        known &&
        known.declarationHash === declared.declarationHash &&
        known.expectedSerial === expectedSerial
      ) {
        continue;
      }
      // A changed device, or one that left the catalog and came back (it
      // keeps its account).
      const existing = await store.getDevice(declared.entityRef);
      const driver = platforms.require(declared.platform);
      try {
        if (existing && !existing.inCatalog) {
          await store.updateDeclaration(
            {
              ...device,
              localPasswordHash:
                existing.platform !== declared.platform
                  ? await driver.hashPassword(
                      vault.decrypt(
                        existing.localPasswordEnc,
                        existing.entityRef,
                      ),
                    )
                  : undefined,
            },
            {
              entityRef: declared.entityRef,
              type: 'device.added',
              actor: 'system',
              message: `Back in the ZTP queue (${driver.displayName}, ${declared.managementAddress}); local account ${existing.localUsername} kept`,
            },
          );
          result.added.push(declared.entityRef);
        } else if (!existing) {
          // New devices are imported in batches (below).
          fresh.push({ device, driverName: driver.displayName, hash: driver });
          if (fresh.length >= IMPORT_BATCH) await importFresh();
        } else if (
          existing.declarationHash !== declared.declarationHash ||
          existing.expectedSerial !== expectedSerial
        ) {
          const changes = describeChanges(existing, device);
          const rehash =
            existing.platform !== declared.platform
              ? await driver.hashPassword(
                  vault.decrypt(existing.localPasswordEnc, existing.entityRef),
                )
              : undefined;
          await store.updateDeclaration(
            { ...device, localPasswordHash: rehash },
            {
              entityRef: declared.entityRef,
              type: 'device.updated',
              actor: 'system',
              message: `Declaration changed in the catalog: ${
                changes || 'details'
              }`,
            },
          );
          result.updated.push(declared.entityRef);
        }
      } catch (error) {
        logger.error(
          `Could not sync ZTP device ${declared.entityRef}: ${error}`,
        );
      }
    }

    await importFresh();

    // Forget declarations of entities that are gone from the catalog.
    const current = new Set(items.map(e => stringifyEntityRef(e)));
    for (const key of this.parsed.keys()) {
      if (!current.has(key.split('\n')[0])) this.parsed.delete(key);
    }

    const removed = [...active.keys()].filter(ref => !seen.has(ref));
    await store.markRemoved(removed, new Date());
    result.removed = removed;
    if (result.added.length || result.updated.length || removed.length) {
      logger.info(
        `ZTP queue synced with the catalog: ${result.added.length} added, ${result.updated.length} updated, ${removed.length} removed`,
      );
      this.deps.onChanged(result);
    }
    return result;
  }
}

const FIELD_NAMES: Partial<Record<string, string>> = {
  serial: 'declared serial',
  expectedSerial: 'expected serial',
  managementAddress: 'management address',
  managementInterface: 'management interface',
  managementVrf: 'management VRF',
  defaultGateway: 'default gateway',
  macAddress: 'MAC address',
  switchPort: 'switch port',
  sshPort: 'SSH port',
};

function describeChanges(
  before: DeclaredDevice & { expectedSerial: string },
  after: DeclaredDevice & { expectedSerial: string },
): string {
  const fields: (keyof typeof after)[] = [
    'serial',
    'expectedSerial',
    'platform',
    'managementAddress',
    'managementInterface',
    'managementVrf',
    'defaultGateway',
    'macAddress',
    'switchPort',
    'hostname',
    'sshPort',
    'site',
    'role',
    'title',
  ];
  return fields
    .filter(f => before[f] !== after[f])
    .map(
      f =>
        `${FIELD_NAMES[f] ?? f} ${before[f] ?? '(none)'} → ${
          after[f] ?? '(none)'
        }`,
    )
    .join(', ');
}
