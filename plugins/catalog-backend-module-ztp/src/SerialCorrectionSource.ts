import {
  AuthService,
  coreServices,
  createServiceFactory,
  createServiceRef,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { z } from 'zod';

/** An operator's correction of a device's expected serial. @public */
export type SerialCorrectionInfo = {
  /** The serial verified on the device, which replaces the declared one. */
  serial: string;
  /** The declared serial the correction replaces (often a temporary one). */
  previousSerial: string;
  /** Entity ref of the user who made the correction. */
  correctedBy: string;
  /** ISO 8601 timestamp. */
  correctedAt: string;
  /** A replacement box's MAC address, in place of previousMacAddress. */
  macAddress?: string;
  /** The declared MAC the replacement's replaces (none when there was none). */
  previousMacAddress?: string;
};

/**
 * Where the catalog processor learns about serial corrections made in the
 * ZTP plugin.
 * @public
 */
export interface SerialCorrectionSource {
  /**
   * The correction of a device, or undefined when it has none or when the
   * corrections cannot be read right now (never throws for that).
   *
   * @param entityRef - The device's entity ref, in any letter case.
   * @param options - maxAgeMs: do not answer from data older than this.
   */
  getCorrection(
    entityRef: string,
    options?: { maxAgeMs?: number },
  ): Promise<SerialCorrectionInfo | undefined>;
}

const correctionsResponseSchema = z.object({
  items: z.array(
    z.object({
      entityRef: z.string(),
      serial: z.string(),
      previousSerial: z.string(),
      correctedBy: z.string(),
      correctedAt: z.string(),
      macAddress: z.string().optional(),
      previousMacAddress: z.string().optional(),
    }),
  ),
});

/** Lower-cased canonical form, so that refs in any letter case match. */
export function normalizeEntityRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** Default time a list of corrections is reused. */
export const DEFAULT_CORRECTIONS_CACHE_SECONDS = 5;

/**
 * Reads corrections from the ZTP backend (GET /api/ztp/serial-corrections
 * with a service token) and keeps the list for a short time, so that
 * processing a large fleet makes one request every few seconds rather than
 * one per device.
 *
 * @public
 */
export class ZtpBackendSerialCorrectionSource
  implements SerialCorrectionSource
{
  private cached:
    | { at: number; corrections: Map<string, SerialCorrectionInfo> }
    | undefined;
  private inFlight: Promise<Map<string, SerialCorrectionInfo>> | undefined;
  private unreachable = false;

  static fromConfig(
    config: Config,
    deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
    },
  ): ZtpBackendSerialCorrectionSource {
    const seconds =
      config.getOptionalNumber('ztp.catalog.serialCorrections.cacheSeconds') ??
      DEFAULT_CORRECTIONS_CACHE_SECONDS;
    return new ZtpBackendSerialCorrectionSource({
      ...deps,
      cacheTtlMs: Math.max(0, seconds) * 1000,
    });
  }

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** How long a fetched list is reused (default 5 s). */
      cacheTtlMs?: number;
      /** Deadline of one request (default 5 s). */
      timeoutMs?: number;
      /** Clock, for tests. */
      now?: () => number;
    },
  ) {}

  async getCorrection(
    entityRef: string,
    options?: { maxAgeMs?: number },
  ): Promise<SerialCorrectionInfo | undefined> {
    const key = normalizeEntityRef(entityRef);
    if (!key) return undefined;
    const corrections = await this.corrections(
      options?.maxAgeMs ??
        this.options.cacheTtlMs ??
        DEFAULT_CORRECTIONS_CACHE_SECONDS * 1000,
    );
    return corrections.get(key);
  }

  private async corrections(
    maxAgeMs: number,
  ): Promise<Map<string, SerialCorrectionInfo>> {
    const now = this.options.now?.() ?? Date.now();
    if (this.cached && now - this.cached.at <= maxAgeMs) {
      return this.cached.corrections;
    }
    // Devices processed at the same moment share one request.
    if (!this.inFlight) {
      this.inFlight = this.fetchCorrections().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async fetchCorrections(): Promise<Map<string, SerialCorrectionInfo>> {
    const { discovery, auth, logger } = this.options;
    const startedAt = this.options.now?.() ?? Date.now();
    let corrections = new Map<string, SerialCorrectionInfo>();
    try {
      const baseUrl = await discovery.getBaseUrl('ztp');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'ztp',
      });
      const response = await fetch(`${baseUrl}/serial-corrections`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status} ${response.statusText}`);
      }
      const body = correctionsResponseSchema.parse(await response.json());
      for (const { entityRef, ...correction } of body.items) {
        const key = normalizeEntityRef(entityRef);
        if (key) corrections.set(key, correction);
      }
      if (this.unreachable) {
        this.unreachable = false;
        logger.info(
          'ZTP serial corrections are readable again; corrected serials are applied to devices',
        );
      }
    } catch (error) {
      // Devices keep their declared serials meanwhile: never an entity error.
      if (!this.unreachable) {
        this.unreachable = true;
        logger.warn(
          `Could not read serial corrections from the ZTP backend, devices keep their declared serials until it answers: ${error}`,
        );
      }
      corrections = new Map();
    }
    // A failure is remembered too, so that an unreachable backend does not
    // slow down the processing of every device.
    this.cached = { at: startedAt, corrections };
    return corrections;
  }
}

/**
 * The serial corrections the ZTP catalog module applies; replace it with a
 * custom service factory to read corrections from elsewhere (or in tests).
 * @public
 */
export const serialCorrectionSourceServiceRef =
  createServiceRef<SerialCorrectionSource>({
    id: 'ztp.catalog.serial-corrections',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          config: coreServices.rootConfig,
          discovery: coreServices.discovery,
          auth: coreServices.auth,
          logger: coreServices.logger,
        },
        factory: ({ config, ...deps }) =>
          ZtpBackendSerialCorrectionSource.fromConfig(config, deps),
      }),
  });
