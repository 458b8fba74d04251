import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ZtpApprovedImage,
  ZtpImageUpgrade,
  ZtpBulkPushJob,
  ZtpDeclarationProblemList,
  ZtpDeviceDetails,
  ZtpDeviceList,
  ZtpDeviceListQuery,
  ZtpFinalConfigPreview,
  ZtpLocalAccount,
  ZtpPlatformList,
  ZtpPushResult,
  ZtpSerialCheckResult,
  ZtpUnknownDeviceList,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** Options every call accepts. @public */
export type ZtpRequestOptions = {
  /** Aborts the request, e.g. when the query it answers is outdated. */
  signal?: AbortSignal;
};

/**
 * The ZTP portal's backend API, as seen from the browser. Devices are named by
 * entity ref (resource:namespace/name).
 * @public
 */
export interface ZtpApi {
  /** The platforms the backend's modules installed (id and display name). */
  listPlatforms(options?: ZtpRequestOptions): Promise<ZtpPlatformList>;
  /** One page of the ZTP queue, with its counters and filter facets. */
  listDevices(
    query?: ZtpDeviceListQuery,
    options?: ZtpRequestOptions,
  ): Promise<ZtpDeviceList>;
  /** A device and its timeline, newest event first. */
  getDevice(
    entityRef: string,
    options?: ZtpRequestOptions,
  ): Promise<ZtpDeviceDetails>;
  /** The generated local account, password included (audited). */
  revealCredentials(entityRef: string): Promise<ZtpLocalAccount>;
  /** Connects to the device now and compares its serial. */
  checkSerial(entityRef: string): Promise<ZtpSerialCheckResult>;
  /**
   * Corrects the expected serial, then checks the device at once. With
   * `wrongSerial` (the value the operator replaces) a correction someone
   * else made meanwhile is not overwritten: the call fails with a 409
   * naming the current value.
   */
  updateSerial(
    entityRef: string,
    newSerial: string,
    wrongSerial?: string,
  ): Promise<ZtpSerialCheckResult>;
  /**
   * Pins the host key the device presented instead of the pinned one (its
   * SHA256: fingerprint, as shown to the operator), then checks the device.
   */
  acceptHostKey(
    entityRef: string,
    fingerprint: string,
  ): Promise<ZtpSerialCheckResult>;
  /** The rendered final configuration and its diff against the running one. */
  getFinalConfig(
    entityRef: string,
    options?: ZtpRequestOptions & {
      /** false: render only, without logging in to read the running one. */
      running?: boolean;
    },
  ): Promise<ZtpFinalConfigPreview>;
  /**
   * Conf Final (Push) of one device; overrideImage pushes a device that does
   * not run its approved image (permission ztp.image.override, audited).
   */
  pushFinalConfig(
    entityRef: string,
    options?: { overrideImage?: boolean },
  ): Promise<ZtpPushResult>;
  /** The approved images of ztp.images, each with its file's state. */
  listImages(
    options?: ZtpRequestOptions,
  ): Promise<{ images: ZtpApprovedImage[] }>;
  /**
   * Each device's last software upgrade (Upgrading with its phase,
   * Compliant, Failed) and how many devices need one.
   */
  listUpgrades(
    options?: ZtpRequestOptions,
  ): Promise<{ upgrades: ZtpImageUpgrade[]; upgradeNeeded: number }>;
  /** Upgrades one device to its approved image (permission ztp.image.upgrade). */
  upgradeImage(entityRef: string): Promise<{ started: string[] }>;
  /** Upgrades several devices; those that cannot be upgraded say why. */
  upgradeImages(entityRefs: string[]): Promise<{
    started: string[];
    refused: { entityRef: string; status: number; reason: string }[];
  }>;
  /** Starts a Conf Final (Push) of several devices. */
  startBulkPush(entityRefs: string[]): Promise<ZtpBulkPushJob>;
  /** Progress of a bulk push started by {@link ZtpApi.startBulkPush}. */
  getBulkPushJob(
    jobId: string,
    options?: ZtpRequestOptions,
  ): Promise<ZtpBulkPushJob>;
  /**
   * Devices that asked for a minimal configuration but match no declared
   * device, newest request first (at most 200).
   */
  listUnknownDevices(
    options?: ZtpRequestOptions,
  ): Promise<ZtpUnknownDeviceList>;
  /**
   * Device declarations the catalog refused, with what is wrong in each:
   * they have no entity page to show their processing errors on.
   */
  listDeclarationProblems(
    options?: ZtpRequestOptions,
  ): Promise<ZtpDeclarationProblemList>;
}

/** @public */
export const ztpApiRef = createApiRef<ZtpApi>().with({
  id: 'plugin.ztp.api',
  pluginId: 'ztp',
});
