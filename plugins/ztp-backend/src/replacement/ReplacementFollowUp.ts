import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  normalizeSerial,
  serialsMatch,
  validateSerial,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { ReplacementStore } from './ReplacementStore';

/** The actor of what the follow-up does by itself. */
export const FOLLOW_UP_ACTOR = 'system';

/**
 * Takes replaced and re-provisioned devices the rest of the way, on every
 * replica's sweep (the database decides which replica acts): learns the new
 * box's serial when the operator left it out, pushes the same final
 * configuration once the device is Checked (ztp.replacement.autoPush), and
 * clears the marker once it is Provisioned again, however it got there.
 */
export class ReplacementFollowUp {
  constructor(
    private readonly deps: {
      stores: Pick<ZtpStores, 'devices' | 'serialCorrections'>;
      replacements: ReplacementStore;
      push: (entityRef: string, actor: string) => Promise<{ ok: boolean }>;
      catalog: Pick<CatalogService, 'refreshEntity'>;
      auth: { getOwnServiceCredentials(): Promise<BackstageCredentials> };
      logger: LoggerService;
      onChanged: (entityRef: string) => void;
    },
  ) {}

  /** One pass over the marked devices; resolves when its pushes ended. */
  async sweep(): Promise<void> {
    const { stores, replacements, logger } = this.deps;
    const refs = await replacements.listMarked();
    if (!refs.length) return;
    const devices = await stores.devices.getDevices(refs);
    await Promise.all(
      devices.map(d =>
        this.followUp(d).catch(error =>
          logger.warn(
            `Could not follow up the replacement of ${d.entityRef}: ${error}`,
          ),
        ),
      ),
    );
  }

  private async followUp(d: DeviceRecord): Promise<void> {
    const marker = d.replacement!;
    if (d.confFinalState === 'pushed') {
      await this.deps.replacements.clearMarker(d.entityRef);
      this.deps.onChanged(d.entityRef);
      return;
    }
    if (marker.learnSerial && d.serialState !== 'checked') {
      await this.learnSerial(d);
      return;
    }
    if (
      marker.autoPush &&
      d.replacementState === 'waiting' &&
      d.serialState === 'checked' &&
      d.confFinalState === 'not-pushed' &&
      (await this.deps.replacements.claimPush(d.entityRef))
    ) {
      let ok = false;
      try {
        ({ ok } = await this.deps.push(d.entityRef, FOLLOW_UP_ACTOR));
      } finally {
        await this.deps.replacements.settlePush(d.entityRef, ok);
        this.deps.onChanged(d.entityRef);
      }
    }
  }

  /**
   * The serial the new box announced in its ZTP request, else the one its
   * SSH check read (a Mismatch against the old box's serial), becomes the
   * expected serial: the check then runs again and says Checked.
   */
  private async learnSerial(d: DeviceRecord): Promise<void> {
    const header =
      d.confMinState === 'loaded' && d.headerSerial
        ? d.headerSerial
        : undefined;
    const presented =
      d.serialState === 'mismatch' ? d.presentedSerial : undefined;
    const learned = header ?? presented;
    if (
      !learned ||
      validateSerial(learned) ||
      serialsMatch(learned, d.expectedSerial)
    ) {
      return;
    }
    const { stores } = this.deps;
    const existing = (
      await stores.serialCorrections.listSerialCorrections()
    ).find(c => c.entityRef === d.entityRef);
    const serial = normalizeSerial(learned);
    const saved = await stores.serialCorrections.saveSerialCorrection(
      {
        entityRef: d.entityRef,
        serial,
        previousSerial: existing?.previousSerial ?? d.declaredSerial,
        correctedBy: d.replacement!.requestedBy,
        correctedAt: new Date(),
      },
      d.expectedSerial,
      {
        entityRef: d.entityRef,
        type: 'replacement.serial-learned',
        actor: FOLLOW_UP_ACTOR,
        message: `New box's serial ${serial} learned from its ${
          header ? 'ZTP request' : 'SSH check'
        } (the old box's was ${
          d.expectedSerial
        }); the catalog shows it like a corrected serial, and the device is checked again`,
        details: {
          previousSerial: d.expectedSerial,
          newSerial: serial,
          learnedFrom: header ? 'header' : 'ssh',
        },
      },
    );
    if (!saved) return;
    // Learned once: from now on the box is checked against it.
    await this.deps.replacements.serialLearned(d.entityRef);
    this.deps.onChanged(d.entityRef);
    const { catalog, auth, logger } = this.deps;
    auth
      .getOwnServiceCredentials()
      .then(credentials => catalog.refreshEntity(d.entityRef, { credentials }))
      .catch(error =>
        logger.warn(
          `Could not refresh ${d.entityRef} in the catalog: ${error}`,
        ),
      );
  }
}
