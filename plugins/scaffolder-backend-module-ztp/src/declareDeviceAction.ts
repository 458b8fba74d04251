import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  NETWORK_DEVICE_TYPE,
  type DevicePlatform,
} from '@ztp-portal/backstage-plugin-ztp-common';
import {
  describeClash,
  UniqueDeviceValues,
  uniqueDeviceValues,
  findDeviceClashes,
  UNIQUE_VALUE_ANNOTATIONS,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { buildDeviceEntity } from './deviceEntity';
import { entityDocument, LocalCatalogFile } from './LocalCatalogFile';

export const DECLARE_DEVICE_ACTION_ID = 'ztp:device:declare';

/** Values of the new device that devices already in the file have. */
function clashesInFile(
  values: UniqueDeviceValues,
  entityRef: string,
  existing: Entity[],
  file: string,
): string[] {
  const problems: string[] = [];
  for (const other of existing) {
    if (!other?.metadata?.name || !other.kind) continue;
    const otherRef = stringifyEntityRef(other);
    if (
      otherRef.toLocaleLowerCase('en-US') ===
      entityRef.toLocaleLowerCase('en-US')
    ) {
      problems.push(`${otherRef} is already declared in ${file}`);
      continue;
    }
    if (other.spec?.type !== NETWORK_DEVICE_TYPE) continue;
    const theirs = uniqueDeviceValues(other.metadata.annotations ?? {});
    for (const key of Object.keys(values) as (keyof UniqueDeviceValues)[]) {
      if (values[key] && values[key] === theirs[key]) {
        problems.push(
          `${UNIQUE_VALUE_ANNOTATIONS[key]}: ${values[key]} is already declared by ${otherRef} in ${file}`,
        );
      }
    }
  }
  return problems;
}

/**
 * The `ztp:device:declare` action: validates a device declaration with the
 * same rules as the catalog, appends its entity to the local catalog file
 * that the portal reads as a location, and asks the catalog to read that
 * file again.
 */
export function createDeclareDeviceAction(options: {
  file: LocalCatalogFile;
  /** To refuse duplicates and refresh the location; optional in tests. */
  catalog?: CatalogService;
  auth?: AuthService;
  /** The registered platforms (their modules), with their rules. */
  platforms: readonly DevicePlatform[];
  additionalPlatforms?: string[];
}) {
  const { file, catalog, auth } = options;
  const platforms = [
    ...options.platforms,
    ...(options.additionalPlatforms ?? []),
  ];
  const platformIds = platforms.map(p => (typeof p === 'string' ? p : p.id));
  const locationRef = `location:default/${locationSpecToMetadataName({
    type: 'file',
    target: file.path,
  })}`;

  return createTemplateAction({
    id: DECLARE_DEVICE_ACTION_ID,
    description:
      'Declares a network device for zero-touch provisioning: validates it and adds its catalog entity to the local catalog file',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Entity name, e.g. leaf-05-par1'),
        namespace: z => z.string().optional().describe('Default: default'),
        title: z => z.string().optional(),
        description: z => z.string().optional(),
        site: z => z.string().describe('Site, e.g. par1'),
        system: z =>
          z
            .string()
            .optional()
            .describe('System ref, e.g. system:default/par1-network'),
        owner: z =>
          z
            .string()
            .describe('Owner ref, e.g. group:default/network-operators'),
        platform: z => z.string().describe(`One of ${platformIds.join(', ')}`),
        serial: z => z.string().describe('Chassis serial number'),
        serialTemporary: z =>
          z
            .boolean()
            .optional()
            .describe('The serial is a placeholder, corrected at first boot'),
        managementAddress: z =>
          z
            .string()
            .describe(
              'Management address with prefix length, e.g. 127.0.10.25/24',
            ),
        defaultGateway: z => z.string().optional(),
        macAddress: z => z.string().optional(),
        hostname: z => z.string().optional(),
        managementInterface: z =>
          z
            .string()
            .optional()
            .describe("Management port, when not the platform's usual one"),
        managementVrf: z =>
          z
            .string()
            .optional()
            .describe("Management VRF, when not the platform's usual one"),
        role: z => z.string().optional().describe('e.g. leaf, spine, edge'),
        variables: z =>
          z
            .string()
            .optional()
            .describe('Location of final-configuration variables'),
      },
      output: {
        entityRef: z => z.string(),
        yaml: z => z.string(),
        catalogFile: z => z.string(),
      },
    },
    async handler(ctx) {
      const built = buildDeviceEntity(ctx.input, platforms);
      if (!built.ok) {
        throw new InputError(
          `The device declaration is not valid:\n- ${built.errors.join(
            '\n- ',
          )}`,
        );
      }
      const { entity, entityRef } = built;
      const values = uniqueDeviceValues(entity.metadata.annotations ?? {});

      if (catalog && auth) {
        const credentials = await auth.getOwnServiceCredentials();
        const problems: string[] = [];
        try {
          if (await catalog.getEntityByRef(entityRef, { credentials })) {
            problems.push(`${entityRef} already exists in the catalog`);
          }
          const clashes = await findDeviceClashes({
            catalog,
            credentials,
            entityRef,
            values,
          });
          problems.push(...clashes.map(describeClash));
        } catch (error) {
          // The catalog module reports duplicates later anyway.
          ctx.logger.warn(
            `Could not check the catalog for duplicates: ${error}`,
          );
        }
        if (problems.length) {
          throw new InputError(
            `The device clashes with the catalog:\n- ${problems.join('\n- ')}`,
          );
        }
      }

      const checkFile = (existing: Entity[]) => {
        const problems = clashesInFile(
          values,
          entityRef,
          existing,
          file.displayPath,
        );
        if (problems.length) {
          throw new InputError(
            `The device clashes with ${file.displayPath}:\n- ${problems.join(
              '\n- ',
            )}`,
          );
        }
      };

      let document: string;
      if (ctx.isDryRun) {
        checkFile(await file.read());
        document = entityDocument(entity);
        ctx.logger.info(
          `Dry run: ${entityRef} would be added to ${file.displayPath}`,
        );
      } else {
        // On a task resumed after a restart, the append is not repeated.
        document = await ctx.checkpoint({
          key: `ztp-declare-${entityRef}`,
          fn: () => file.append(entity, checkFile),
        });
        ctx.logger.info(`Added ${entityRef} to ${file.displayPath}`);
        await refreshLocation(ctx.logger);
      }

      ctx.output('entityRef', entityRef);
      ctx.output('yaml', document);
      ctx.output('catalogFile', file.displayPath);
    },
  });

  async function refreshLocation(logger: {
    info(m: string): void;
    warn(m: string): void;
  }) {
    if (!catalog || !auth) return;
    try {
      await catalog.refreshEntity(locationRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      logger.info('Asked the catalog to read the file again');
    } catch (error) {
      logger.warn(
        `Could not refresh ${locationRef}: is ${file.displayPath} in catalog.locations? The device appears at the next catalog refresh of that location. ${error}`,
      );
    }
  }
}
