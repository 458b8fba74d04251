import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  normalizeMac,
  normalizeSerial,
  serialsMatch,
  validateSerial,
  type ZtpDevice,
  type ZtpReplacementMarker,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { CredentialVault } from '../credentials/CredentialVault';
import { toZtpDevice } from '../deviceView';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import type { ReplacementStore } from './ReplacementStore';

export type ReplaceRequest = {
  entityRef: string;
  /** Left out: learned from the new box's header serial or SSH check. */
  newSerial?: string;
  /** Left out: the declared MAC stays. */
  newMacAddress?: string;
  actor: string;
};

export type PreparedReplacement = {
  device: DeviceRecord;
  newSerial?: string;
  newMacAddress?: string;
};

/** Longest reason of a re-provision. */
export const MAX_REASON_LENGTH = 500;

/** Conf Min / Serial / Conf Final of a device, in the product's words. */
export function describeStates(d: DeviceRecord): string {
  const confMin = d.confMinState === 'loaded' ? 'Loaded' : 'Not Loaded';
  const serial = {
    'not-checked': 'Not Checked',
    mismatch: 'Mismatch',
    checked: 'Checked',
  }[d.serialState];
  const confFinal = {
    'not-pushed': 'Not Pushed',
    pushing: 'Pushing',
    pushed: 'Pushed',
    failed: 'Failed',
  }[d.confFinalState];
  return `Conf Min ${confMin}, Serial ${serial}, Conf Final ${confFinal}`;
}

/**
 * Replacement (RMA) of a device by a new box, and re-provisioning of a
 * device that must go through ZTP again. Either keeps the entity, its
 * timeline and its variables; the device gets a new local account, loses
 * its pinned host key and verdicts, and goes back to Conf Min Not Loaded
 * with a marker that the follow-up (ReplacementFollowUp) acts on.
 */
export class DeviceReplacement {
  constructor(
    private readonly deps: {
      stores: Pick<ZtpStores, 'devices' | 'events' | 'serialCorrections'>;
      replacements: ReplacementStore;
      vault: Pick<CredentialVault, 'generateAccount' | 'encrypt'>;
      platforms: PlatformRegistry;
      hasher: {
        hash(driver: ZtpPlatformDriver, password: string): Promise<string>;
      };
      catalog: Pick<CatalogService, 'refreshEntity'>;
      auth: { getOwnServiceCredentials(): Promise<BackstageCredentials> };
      logger: LoggerService;
      autoPush: boolean;
      onChanged: (entityRef: string) => void;
    },
  ) {}

  private async device(entityRef: string): Promise<DeviceRecord> {
    const device = await this.deps.stores.devices.getDevice(entityRef);
    if (!device || !device.inCatalog) {
      throw new NotFoundError(`No device ${entityRef} in the ZTP queue`);
    }
    return device;
  }

  /**
   * Validates a replacement without changing anything. `others` are the
   * devices to compare serials and MACs with (all active devices by default).
   */
  async prepare(
    request: ReplaceRequest,
    others?: DeviceRecord[],
  ): Promise<PreparedReplacement> {
    const device = await this.device(request.entityRef);
    const newSerial = request.newSerial?.trim() || undefined;
    const newMac = request.newMacAddress?.trim() || undefined;
    const active =
      others ?? (await this.deps.stores.devices.listActiveDevices());
    if (newSerial) {
      const problem = validateSerial(newSerial);
      if (problem) throw new InputError(problem);
      if (serialsMatch(newSerial, device.expectedSerial)) {
        throw new InputError(
          `${normalizeSerial(
            newSerial,
          )} is the serial of the box being replaced: give the new box's serial, or leave it empty to learn it`,
        );
      }
      const holder = active.find(
        d =>
          d.entityRef !== device.entityRef &&
          serialsMatch(d.expectedSerial, newSerial),
      );
      if (holder) {
        throw new InputError(
          `Serial ${normalizeSerial(newSerial)} is already the serial of ${
            holder.entityRef
          }`,
        );
      }
    }
    let newMacAddress: string | undefined;
    if (newMac) {
      newMacAddress = normalizeMac(newMac);
      if (!newMacAddress) {
        throw new InputError(
          `"${newMac}" is not a MAC address (six hex pairs, e.g. 52:54:00:12:34:56)`,
        );
      }
      const holder = active.find(
        d => d.entityRef !== device.entityRef && d.macAddress === newMacAddress,
      );
      if (holder) {
        throw new InputError(
          `MAC ${newMacAddress} is already the MAC of ${holder.entityRef}`,
        );
      }
    }
    return { device, newSerial, newMacAddress };
  }

  /** Replaces the device by the new box; returns it as the API shows it. */
  async replace(
    request: ReplaceRequest,
    prepared?: PreparedReplacement,
  ): Promise<ZtpDevice> {
    const { device, newSerial, newMacAddress } =
      prepared ?? (await this.prepare(request));
    const { actor, entityRef } = request;
    const now = new Date();
    const marker = this.marker('replacement', actor, now, device, !newSerial);
    const corrections =
      await this.deps.stores.serialCorrections.listSerialCorrections();
    const existing = corrections.find(c => c.entityRef === entityRef);
    const account = await this.newAccount(device);
    const oldBox = `${device.expectedSerial}${
      device.macAddress ? ` (MAC ${device.macAddress})` : ''
    }`;
    const newBox = newSerial
      ? `${newSerial}${newMacAddress ? ` (MAC ${newMacAddress})` : ''}`
      : `a box whose serial is learned from its ZTP request or SSH check${
          newMacAddress ? ` (MAC ${newMacAddress})` : ''
        }`;
    const reset = await this.deps.replacements.reset(
      {
        entityRef,
        ...account,
        marker,
        expectedSerial: newSerial,
        macAddress: newMacAddress,
        // The catalog shows the new box's serial (and MAC) as it shows a
        // corrected serial: an overlay of the declaration.
        correction:
          newSerial || newMacAddress
            ? {
                entityRef,
                serial: newSerial ?? device.expectedSerial,
                previousSerial:
                  existing?.previousSerial ?? device.declaredSerial,
                correctedBy: actor,
                correctedAt: now,
                macAddress: newMacAddress ?? existing?.macAddress,
                previousMacAddress: newMacAddress
                  ? existing?.previousMacAddress ?? device.macAddress
                  : existing?.previousMacAddress,
              }
            : undefined,
      },
      {
        entityRef,
        type: 'device.replaced',
        actor,
        at: now,
        message: `Replaced by ${actor}: old box ${oldBox} gives way to ${newBox}. Back to Conf Min Not Loaded with local account ${
          account.localUsername
        } (was ${device.localUsername}); the pinned host key ${
          device.hostKeyFingerprint ?? '(none)'
        } is cleared. ${
          marker.autoPush
            ? 'Conf Final is pushed once the new box is Checked'
            : 'Conf Final waits for an operator once the new box is Checked'
        }`,
        details: {
          previousSerial: device.expectedSerial,
          newSerial: newSerial ?? null,
          previousMacAddress: device.macAddress ?? null,
          newMacAddress: newMacAddress ?? device.macAddress ?? null,
          previousHostKey: device.hostKeyFingerprint ?? null,
          previousUsername: device.localUsername,
          newUsername: account.localUsername,
          fromState: describeStates(device),
          learnSerial: marker.learnSerial,
          autoPush: marker.autoPush,
        },
      },
    );
    if (!reset) throw this.gone(entityRef);
    this.changed(entityRef, Boolean(newSerial || newMacAddress));
    return this.view(entityRef);
  }

  /** Sends the device through ZTP again, for the operator's reason. */
  async reprovision(request: {
    entityRef: string;
    reason: string;
    actor: string;
  }): Promise<ZtpDevice> {
    const reason = request.reason.trim();
    if (!reason) {
      throw new InputError(
        'reason: say why the device goes through ZTP again (it is kept in its timeline)',
      );
    }
    if (reason.length > MAX_REASON_LENGTH) {
      throw new InputError(
        `reason: at most ${MAX_REASON_LENGTH} characters (got ${reason.length})`,
      );
    }
    const { entityRef, actor } = request;
    const device = await this.device(entityRef);
    const now = new Date();
    const marker = this.marker('reprovision', actor, now, device, false);
    const account = await this.newAccount(device);
    const from = describeStates(device);
    const reset = await this.deps.replacements.reset(
      { entityRef, ...account, marker },
      {
        entityRef,
        type: 'device.reprovisioned',
        actor,
        at: now,
        message: `Re-provisioned by ${actor} from ${from}: "${reason}". Back to Conf Min Not Loaded with local account ${account.localUsername} (was ${device.localUsername}); the pinned host key is cleared`,
        details: {
          reason,
          fromState: from,
          from: {
            confMin: device.confMinState,
            serial: device.serialState,
            confFinal: device.confFinalState,
          },
          previousHostKey: device.hostKeyFingerprint ?? null,
          previousUsername: device.localUsername,
          newUsername: account.localUsername,
        },
      },
    );
    if (!reset) throw this.gone(entityRef);
    this.changed(entityRef, false);
    return this.view(entityRef);
  }

  private marker(
    kind: ZtpReplacementMarker['kind'],
    actor: string,
    at: Date,
    device: DeviceRecord,
    learnSerial: boolean,
  ): ZtpReplacementMarker {
    return {
      kind,
      requestedBy: actor,
      requestedAt: at.toISOString(),
      previousSerial: device.expectedSerial,
      learnSerial,
      autoPush: this.deps.autoPush,
    };
  }

  /** A new local account, encrypted at rest, hashed for the platform. */
  private async newAccount(device: DeviceRecord) {
    const { vault, platforms, hasher } = this.deps;
    const account = vault.generateAccount();
    return {
      localUsername: account.username,
      localPasswordEnc: vault.encrypt(account.password, device.entityRef),
      localPasswordHash: await hasher.hash(
        platforms.require(device.platform),
        account.password,
      ),
    };
  }

  private async view(entityRef: string): Promise<ZtpDevice> {
    const { stores } = this.deps;
    const after = (await stores.devices.getDevice(entityRef))!;
    const last = await stores.events.lastEvents([entityRef]);
    return toZtpDevice(after, last.get(entityRef));
  }

  private changed(entityRef: string, catalogOverlay: boolean) {
    this.deps.onChanged(entityRef);
    if (!catalogOverlay) return;
    const { catalog, auth, logger } = this.deps;
    // The catalog processor puts the new serial and MAC on the entity now.
    auth
      .getOwnServiceCredentials()
      .then(credentials => catalog.refreshEntity(entityRef, { credentials }))
      .catch(error =>
        logger.warn(`Could not refresh ${entityRef} in the catalog: ${error}`),
      );
  }

  private gone(entityRef: string) {
    return new ConflictError(
      `${entityRef} left the catalog meanwhile: nothing was changed`,
    );
  }
}
