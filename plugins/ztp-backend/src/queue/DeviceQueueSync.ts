import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { NETWORK_DEVICE_TYPE } from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeclaredDevice, SerialCorrection } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { CredentialVault } from '../credentials/CredentialVault';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import { declarationFromEntity } from './declarationFromEntity';
import { describeDeclarationChanges } from './describeDeclarationChanges';
import { resolveExpectedSerial } from './resolveExpectedSerial';
import { mainThreadHasher, PasswordHasher } from './PasswordHasher';
import type { SyncEtagStore } from './SyncEtagStore';
import { KnownEtags } from './KnownEtags';

export type SyncResult = {
  added: string[];
  updated: string[];
  removed: string[];
  invalid: string[];
  /** A whole pass over the catalog ended with this run. */
  finished: boolean;
};

/** What the queue reads of every device entity: its identity and etag. */
const PAGE_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
];
/** What the queue reads of a new or changed device entity. */
const DECLARATION_FIELDS = [
  ...PAGE_FIELDS,
  'metadata.title',
  'metadata.annotations',
];
const DEVICE_FILTER = { kind: 'Resource', 'spec.type': NETWORK_DEVICE_TYPE };
const lowerRef = (entity: Entity) =>
  stringifyEntityRef(entity).toLocaleLowerCase('en-US');

/**
 * Keeps the ZTP queue in step with the catalog, incrementally: a pass pages
 * through the device entities reading only their refs and etags, reads the
 * declarations of the new and changed ones, and commits each page (new
 * devices get a fresh local account hashed off the main thread; the door
 * learns of them page by page). A run stops after its time budget or on an
 * error and the next run continues where it stopped; devices that left the
 * catalog are found at the end of a whole pass and leave the queue with
 * their history kept.
 */
export class DeviceQueueSync {
  private readonly hasher: PasswordHasher;
  private readonly pageSize: number;
  private readonly budgetMs: number;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      stores: Pick<ZtpStores, 'devices' | 'serialCorrections'>;
      vault: CredentialVault;
      platforms: PlatformRegistry;
      logger: LoggerService;
      /** Called once per committed page that changed the queue. */
      onChanged: (result: SyncResult) => void;
      hasher?: PasswordHasher;
      /** Entities per catalog page (and per transaction). */
      pageSize?: number;
      /** How long one run may go on before leaving the rest to the next. */
      runBudgetMs?: number;
      /** Keeps the etags across restarts (else they are held in memory only). */
      etagStore?: SyncEtagStore;
      /**
       * After a whole pass that changed nothing, how long until the next
       * pass starts at `quietPassFullAtDevices` devices (0: at the next
       * run). Each pass reads every device entity's ref and etag, which
       * the catalog answers by reading each whole entity: at 10,000
       * devices a pass every 10 s was the largest share of the idle
       * backend's garbage and so of its memory.
       */
      quietPassIntervalMs?: number;
      /**
       * The fleet size at which the whole quiet interval applies; smaller
       * fleets wait in proportion (a 20-device lab hardly at all), so the
       * idle cost of following the catalog stays about the same at any
       * size while a small site sees new devices at the next run.
       */
      quietPassFullAtDevices?: number;
      now?: () => number;
    },
  ) {
    this.hasher = deps.hasher ?? mainThreadHasher;
    this.pageSize = deps.pageSize ?? 500;
    this.budgetMs = deps.runBudgetMs ?? 30_000;
    this.etags = new KnownEtags({
      store: deps.etagStore,
      platformIds: () => deps.platforms.ids(),
    });
  }

  private running?: Promise<SyncResult>;
  /** The etags of the entities already committed: unchanged ones are not read. */
  private readonly etags: KnownEtags;
  /** The pass under way: where it stopped and the devices it has seen. */
  private pass?: { cursor?: string; seen: Set<string>; changed: boolean };
  /** No new pass before this time (a quiet pass just ended). */
  private quietUntil = 0;

  /**
   * Runs the sync for up to its time budget; a call while one is running
   * shares it, so the startup sync and the scheduled one never import the
   * same device twice. `finished` says whether a whole pass ended.
   */
  run(options: { budgetMs?: number } = {}): Promise<SyncResult> {
    if (!this.running) {
      this.running = this.runOnce(options.budgetMs ?? this.budgetMs).finally(
        () => {
          this.running = undefined;
        },
      );
    }
    return this.running;
  }

  private async runOnce(budgetMs: number): Promise<SyncResult> {
    const { catalog, auth, stores, logger } = this.deps;
    const now = this.deps.now ?? Date.now;
    if (!this.pass && now() < this.quietUntil) {
      return {
        added: [],
        updated: [],
        removed: [],
        invalid: [],
        finished: true,
      };
    }
    const deadline = Date.now() + budgetMs;
    await this.etags.load();
    const credentials = await auth.getOwnServiceCredentials();
    const corrections = new Map(
      (await stores.serialCorrections.listSerialCorrections()).map(c => [
        c.entityRef,
        c,
      ]),
    );
    const total: SyncResult = {
      added: [],
      updated: [],
      removed: [],
      invalid: [],
      finished: false,
    };
    const pass = (this.pass ??= { seen: new Set(), changed: false });
    for (;;) {
      const page = await catalog.queryEntities(
        pass.cursor
          ? { cursor: pass.cursor, limit: this.pageSize, fields: PAGE_FIELDS }
          : {
              filter: DEVICE_FILTER,
              orderFields: { field: 'metadata.name', order: 'asc' },
              limit: this.pageSize,
              fields: PAGE_FIELDS,
            },
        { credentials },
      );
      const result = await this.syncPage(page.items, corrections, credentials);
      for (const entity of page.items) pass.seen.add(lowerRef(entity));
      total.added.push(...result.added);
      total.updated.push(...result.updated);
      total.invalid.push(...result.invalid);
      if (result.added.length || result.updated.length) {
        pass.changed = true;
        this.deps.onChanged(result);
      }
      const next = page.pageInfo?.nextCursor;
      if (!next) break;
      pass.cursor = next;
      if (Date.now() >= deadline) return total;
      // Let device requests in between pages.
      await new Promise(r => setImmediate(r));
    }

    total.removed = await this.removeUnseen(pass.seen, credentials);
    this.pass = undefined;
    total.finished = true;
    const quiet = !pass.changed && !total.removed.length;
    const share = Math.min(
      1,
      pass.seen.size / (this.deps.quietPassFullAtDevices ?? 10_000),
    );
    this.quietUntil = quiet
      ? now() + Math.round((this.deps.quietPassIntervalMs ?? 0) * share)
      : 0;
    if (total.removed.length) {
      this.deps.onChanged({ ...total, added: [], updated: [] });
    }
    if (total.added.length || total.updated.length || total.removed.length) {
      logger.info(
        `ZTP queue synced with the catalog: ${total.added.length} added, ${total.updated.length} updated, ${total.removed.length} removed`,
      );
    }
    return total;
  }

  /** Processes one page of entities (refs and etags) and commits it. */
  private async syncPage(
    items: Entity[],
    corrections: Map<string, SerialCorrection>,
    credentials: BackstageCredentials,
  ): Promise<SyncResult> {
    const { catalog, stores, vault, platforms, logger } = this.deps;
    const result: SyncResult = {
      added: [],
      updated: [],
      removed: [],
      invalid: [],
      finished: false,
    };
    const changed = items.filter(e => {
      const etag = e.metadata.etag;
      return this.etags.changed(lowerRef(e), etag);
    });
    if (!changed.length) return result;
    const { items: full } = await catalog.getEntitiesByRefs(
      {
        entityRefs: changed.map(e => stringifyEntityRef(e)),
        fields: DECLARATION_FIELDS,
        filter: DEVICE_FILTER,
      },
      { credentials },
    );
    const known = platforms.list();
    const declarations: {
      entity: Entity;
      declared: DeclaredDevice;
      expectedSerial: string;
    }[] = [];
    const processed = new Map<string, string | undefined>();
    for (const entity of full) {
      if (!entity) continue; // gone since the page was read
      const declared = declarationFromEntity(entity, known);
      if (!declared) {
        // The catalog processor reports what is wrong on the entity page.
        result.invalid.push(stringifyEntityRef(entity));
        processed.set(lowerRef(entity), entity.metadata.etag);
        continue;
      }
      const correction = corrections.get(declared.entityRef);
      declarations.push({
        entity,
        expectedSerial: resolveExpectedSerial(entity, declared, correction),
        declared: {
          ...declared,
          serialTemporary: correction ? false : declared.serialTemporary,
        },
      });
    }

    const rows = new Map(
      (
        await stores.devices.getDevices(
          declarations.map(d => d.declared.entityRef),
        )
      ).map(d => [d.entityRef, d]),
    );
    const fresh: {
      device: (typeof declarations)[number];
      driver: ZtpPlatformDriver;
    }[] = [];
    for (const d of declarations) {
      const { declared, expectedSerial, entity } = d;
      const device = { ...declared, expectedSerial };
      const existing = rows.get(declared.entityRef);
      try {
        const driver = platforms.require(declared.platform);
        if (!existing) {
          fresh.push({ device: d, driver });
          continue;
        }
        const rehash = () =>
          existing.platform !== declared.platform
            ? this.hasher.hash(
                driver,
                vault.decrypt(existing.localPasswordEnc, existing.entityRef),
              )
            : Promise.resolve(undefined);
        if (!existing.inCatalog) {
          // Back in the catalog: it keeps its account and history.
          await stores.devices.updateDeclaration(
            { ...device, localPasswordHash: await rehash() },
            {
              entityRef: declared.entityRef,
              type: 'device.added',
              actor: 'system',
              message: `Back in the ZTP queue (${driver.displayName}, ${declared.managementAddress}); local account ${existing.localUsername} kept`,
            },
          );
          result.added.push(declared.entityRef);
        } else if (
          existing.declarationHash !== declared.declarationHash ||
          existing.expectedSerial !== expectedSerial
        ) {
          const changes = describeDeclarationChanges(existing, device);
          await stores.devices.updateDeclaration(
            { ...device, localPasswordHash: await rehash() },
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
        processed.set(declared.entityRef, entity.metadata.etag);
      } catch (error) {
        logger.error(
          `Could not sync ZTP device ${declared.entityRef}: ${error}`,
        );
      }
    }

    // New devices: accounts generated and hashed on the pool's threads, all
    // of the page inserted in one transaction.
    if (fresh.length) {
      try {
        const entries = await Promise.all(
          fresh.map(async ({ device: d, driver }) => {
            const account = vault.generateAccount();
            const ref = d.declared.entityRef;
            return {
              device: {
                ...d.declared,
                expectedSerial: d.expectedSerial,
                localUsername: account.username,
                localPasswordEnc: vault.encrypt(account.password, ref),
                localPasswordHash: await this.hasher.hash(
                  driver,
                  account.password,
                ),
              },
              event: {
                entityRef: ref,
                type: 'device.added' as const,
                actor: 'system',
                message: `Entered the ZTP queue (${driver.displayName}, ${d.declared.managementAddress}); local account ${account.username} generated`,
              },
            };
          }),
        );
        await stores.devices.insertDevices(entries);
        for (const { device: d } of fresh) {
          result.added.push(d.declared.entityRef);
          processed.set(d.declared.entityRef, d.entity.metadata.etag);
        }
      } catch (error) {
        logger.error(
          `Could not import ${fresh.length} ZTP devices (${fresh
            .slice(0, 3)
            .map(f => f.device.declared.entityRef)
            .join(', ')}${fresh.length > 3 ? ', …' : ''}): ${error}`,
        );
      }
    }
    // Only what was committed is remembered: the rest is read again.
    const committed: [string, string][] = [];
    for (const [ref, etag] of processed) {
      if (etag) committed.push([ref, etag]);
    }
    // Kept after the page's commit: a crash in between only means the
    // next process reads these declarations again.
    await this.etags.commit(committed);
    return result;
  }

  /**
   * Devices in the queue that a whole pass did not see leave it, once the
   * catalog confirms they are gone (a page can shift under a pass).
   */
  private async removeUnseen(
    seen: Set<string>,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const { catalog, stores } = this.deps;
    const active = await stores.devices.listActiveDeclarations();
    const unseen = [...active.keys()].filter(ref => !seen.has(ref));
    // Forgotten before the devices leave the queue: one that comes back is
    // read again whatever happens in between.
    await this.etags.forgetUnseen(seen);
    if (!unseen.length) return [];
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: unseen,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
        filter: DEVICE_FILTER,
      },
      { credentials },
    );
    const removed = unseen.filter((_, i) => !items[i]);
    await stores.devices.markRemoved(removed, new Date());
    return removed;
  }
}
