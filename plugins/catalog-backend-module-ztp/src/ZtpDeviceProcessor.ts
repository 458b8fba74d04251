import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogService,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_CORRECTED_FROM,
  ANNOTATION_SERIAL_TEMPORARY,
  NETWORK_DEVICE_TYPE,
  normalizeMac,
  parseDeviceAnnotations,
  serialsMatch,
  type DevicePlatform,
} from '@ztp-portal/backstage-plugin-ztp-common';
import {
  describeClash,
  uniqueDeviceValues,
  UniqueDeviceValues,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { UniqueValueIndex } from './UniqueValueIndex';
import type { DeclarationProblemReporter } from './DeclarationProblemReporter';
import {
  SerialCorrectionInfo,
  SerialCorrectionSource,
} from './SerialCorrectionSource';

type LocationSpec = Parameters<
  NonNullable<CatalogProcessor['postProcessEntity']>
>[1];

/** @public */
export type ZtpDeviceProcessorOptions = {
  logger: LoggerService;
  /** Corrections that operators made in the ZTP plugin. */
  corrections: SerialCorrectionSource;
  /** Checks that serials, MACs, hostnames and addresses are unique. */
  catalog?: CatalogService;
  auth?: AuthService;
  /**
   * How long the index of every device's unique values, read from the
   * catalog, is trusted before it is read again (2 minutes by default).
   */
  uniquenessIndexMaxAgeMs?: number;
  /** The installed platforms, with their own rules. */
  platforms?: readonly DevicePlatform[];
  /** Platform ids accepted besides the installed ones. */
  additionalPlatforms?: string[];
  /** Told what each declaration has wrong, for the ZTP dashboard. */
  reporter?: DeclarationProblemReporter;
};

/** True for the catalog entities that declare network devices. */
export function isNetworkDevice(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === NETWORK_DEVICE_TYPE
  );
}

/**
 * Checks the ZTP declaration of every network device and applies serial
 * corrections.
 *
 * - Before validation, a serial that an operator corrected in the ZTP plugin
 *   replaces the declared (usually temporary) one, as long as the source
 *   file still declares the serial that was corrected.
 * - After validation, each malformed annotation and each value that another
 *   device already has becomes a processing error on the entity, which the
 *   catalog shows on its page. Other entities are never affected.
 *
 * @public
 */
export class ZtpDeviceProcessor implements CatalogProcessor {
  private readonly platforms: DevicePlatform[];
  private readonly uniqueValues?: UniqueValueIndex;
  private uniquenessUnavailable = false;

  constructor(private readonly options: ZtpDeviceProcessorOptions) {
    this.platforms = [
      ...(options.platforms ?? []),
      ...(options.additionalPlatforms ?? []),
    ];
    if (options.catalog && options.auth) {
      const { catalog, auth, logger } = options;
      this.uniqueValues = new UniqueValueIndex({
        catalog,
        auth,
        maxAgeMs: options.uniquenessIndexMaxAgeMs,
        // A refused device is processed again as soon as the value it
        // wanted is free, not at the catalog's next processing of it.
        onFreed: refs =>
          void auth
            .getOwnServiceCredentials()
            .then(credentials =>
              Promise.all(
                refs.map(ref => catalog.refreshEntity(ref, { credentials })),
              ),
            )
            .catch(error =>
              logger.warn(
                `Could not ask the catalog to process ${refs.join(
                  ', ',
                )} again: ${error}`,
              ),
            ),
      });
    }
  }

  getProcessorName(): string {
    return 'ZtpDeviceProcessor';
  }

  /**
   * Asks the catalog to process again every declaration whose problems the
   * ZTP plugin still holds, once this process has started: a refused
   * device's claim on a value (see UniqueValueIndex) lives in memory, so
   * without this, one refused before a restart would wait for its next
   * processing (up to the catalog's interval) when the value is freed.
   */
  async processRefusedAgain(): Promise<void> {
    const { reporter, catalog, auth, logger } = this.options;
    if (!reporter?.reportedWithProblems || !catalog || !auth) return;
    let refs: string[];
    let credentials: BackstageCredentials;
    try {
      refs = await reporter.reportedWithProblems();
      credentials = await auth.getOwnServiceCredentials();
    } catch (error) {
      logger.warn(
        `Could not read the declarations refused before this start (they are processed again at their next turn): ${error}`,
      );
      return;
    }
    for (const ref of refs) {
      try {
        await catalog.refreshEntity(ref, { credentials });
      } catch (error) {
        // Gone from the catalog since: its problem expires on its own.
        logger.debug(`Could not ask the catalog to process ${ref}: ${error}`);
      }
    }
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    if (!isNetworkDevice(entity)) return entity;
    const annotations = { ...entity.metadata.annotations };
    // Only this processor writes it: a hand-written value would mislead.
    delete annotations[ANNOTATION_SERIAL_CORRECTED_FROM];

    const declared = annotations[ANNOTATION_SERIAL];
    const correction = declared
      ? await this.correctionOf(
          entity,
          annotations[ANNOTATION_SERIAL_TEMPORARY] === 'true',
        )
      : undefined;
    if (
      declared &&
      correction &&
      serialsMatch(declared, correction.previousSerial) &&
      !serialsMatch(declared, correction.serial)
    ) {
      annotations[ANNOTATION_SERIAL] = correction.serial;
      annotations[ANNOTATION_SERIAL_TEMPORARY] = 'false';
      annotations[ANNOTATION_SERIAL_CORRECTED_FROM] = correction.previousSerial;
    }
    // A replacement box's MAC, on the same terms: over the MAC it replaced
    // (or none declared), never over a newer declaration.
    const declaredMac = annotations[ANNOTATION_MAC_ADDRESS];
    if (
      correction?.macAddress &&
      serialsMatch(declared ?? '', correction.previousSerial) &&
      (declaredMac
        ? normalizeMac(declaredMac) === correction.previousMacAddress
        : !correction.previousMacAddress)
    ) {
      annotations[ANNOTATION_MAC_ADDRESS] = correction.macAddress;
    }
    // Declared serial equal to the corrected one: the file was updated, the
    // correction has nothing left to do. Any other serial: a newer
    // declaration, which wins over the correction.
    return { ...entity, metadata: { ...entity.metadata, annotations } };
  }

  private async correctionOf(
    entity: Entity,
    temporary: boolean,
  ): Promise<SerialCorrectionInfo | undefined> {
    try {
      return await this.options.corrections.getCorrection(
        stringifyEntityRef(entity),
        // A temporary serial is the one operators correct: read fresh
        // corrections so that the catalog follows a correction at once.
        temporary ? { maxAgeMs: 0 } : undefined,
      );
    } catch (error) {
      // A custom source that throws must not fail the device either.
      this.options.logger.warn(
        `Could not read the serial correction of ${stringifyEntityRef(
          entity,
        )}: ${error}`,
      );
      return undefined;
    }
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isNetworkDevice(entity)) return entity;
    const annotations = entity.metadata.annotations ?? {};
    const parsed = parseDeviceAnnotations(annotations, this.platforms);
    // Well-formed values are checked for uniqueness even when others are
    // malformed, so that every problem shows at once.
    const values = uniqueDeviceValues(annotations);
    const problems = [
      ...(parsed.ok ? [] : parsed.errors),
      ...(await this.clashes(entity, values)),
    ];
    // Accepted: the catalog is about to hold its values.
    if (!problems.length) {
      this.uniqueValues?.record(stringifyEntityRef(entity), values);
    }
    for (const message of problems) {
      emit(processingResult.inputError(location, message));
    }
    this.options.reporter?.report({
      entityRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
      location: `${location.type}:${location.target}`,
      problems,
    });
    return entity;
  }

  private async clashes(
    entity: Entity,
    values: UniqueDeviceValues,
  ): Promise<string[]> {
    const { logger } = this.options;
    if (!this.uniqueValues) return [];
    try {
      const clashes = await this.uniqueValues.clashes(
        stringifyEntityRef(entity),
        values,
      );
      if (this.uniquenessUnavailable) {
        this.uniquenessUnavailable = false;
        logger.info('Network device uniqueness checks are running again');
      }
      return clashes.map(describeClash);
    } catch (error) {
      // The catalog not answering (e.g. while the backend starts) must not
      // fail the device; the next processing checks again.
      if (!this.uniquenessUnavailable) {
        this.uniquenessUnavailable = true;
        logger.warn(
          `Could not check network devices for duplicate serials, MACs, hostnames and addresses: ${error}`,
        );
      }
      return [];
    }
  }
}
