import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_HOSTNAME,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_PLATFORM,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_CORRECTED_FROM,
  ANNOTATION_SERIAL_TEMPORARY,
  ANNOTATION_SITE,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeclarationReport } from './DeclarationProblemReporter';
import {
  SerialCorrectionInfo,
  SerialCorrectionSource,
} from './SerialCorrectionSource';
import {
  ZtpDeviceProcessor,
  type ZtpDeviceProcessorOptions,
} from './ZtpDeviceProcessor';
import { aristaEosDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos';
import { ciscoIosXeDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe';
import { ciscoNxosDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos';
import { juniperJunosDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos';

/** The platform packages the portal ships. */
const builtinPlatformDrivers = [
  ciscoIosXeDriver,
  ciscoNxosDriver,
  aristaEosDriver,
  juniperJunosDriver,
];

const location = { type: 'file', target: '/fleet/devices.yaml' };

const goodAnnotations = {
  [ANNOTATION_SERIAL]: 'FDO23210ABC',
  [ANNOTATION_PLATFORM]: 'cisco-nxos',
  [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.21/24',
  [ANNOTATION_DEFAULT_GATEWAY]: '127.0.10.1',
  [ANNOTATION_MAC_ADDRESS]: '70:db:98:10:21:01',
  [ANNOTATION_HOSTNAME]: 'leaf-01-par1',
  [ANNOTATION_SITE]: 'par1',
};

function device(
  name: string,
  annotations: Record<string, string | undefined>,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace,
      annotations: Object.fromEntries(
        Object.entries(annotations).filter(([, v]) => v !== undefined),
      ) as Record<string, string>,
    },
    spec: {
      type: 'network-device',
      owner: 'group:default/network-operators',
    },
  };
}

class FakeCorrections implements SerialCorrectionSource {
  readonly calls: { entityRef: string; maxAgeMs?: number }[] = [];
  constructor(private readonly byRef: Record<string, SerialCorrectionInfo>) {}
  async getCorrection(entityRef: string, options?: { maxAgeMs?: number }) {
    this.calls.push({ entityRef, maxAgeMs: options?.maxAgeMs });
    return this.byRef[entityRef];
  }
}

const noCorrections = new FakeCorrections({});

/** Runs an entity through the processor the way the catalog does. */
async function processEntity(
  processor: ZtpDeviceProcessor,
  entity: Entity,
): Promise<{ entity: Entity; errors: string[] }> {
  const results: CatalogProcessorResult[] = [];
  const pre = await processor.preProcessEntity(entity);
  const post = await processor.postProcessEntity(pre, location, r =>
    results.push(r),
  );
  const errors = results.flatMap(r => {
    if (r.type !== 'error') return [];
    expect(r.error.name).toBe('InputError');
    expect(r.location).toEqual(location);
    return [r.error.message];
  });
  return { entity: post, errors };
}

/** A processor that checks uniqueness against this catalog. */
function checkingAgainst(
  catalog: CatalogService,
  options: Partial<ZtpDeviceProcessorOptions> = {},
) {
  return new ZtpDeviceProcessor({
    platforms: builtinPlatformDrivers,
    logger: mockServices.logger.mock(),
    corrections: noCorrections,
    catalog,
    auth: mockServices.auth(),
    ...options,
  });
}

function validationOnly(additionalPlatforms?: string[]) {
  return new ZtpDeviceProcessor({
    platforms: builtinPlatformDrivers,
    logger: mockServices.logger.mock(),
    corrections: noCorrections,
    additionalPlatforms,
  });
}

describe('ZtpDeviceProcessor validation', () => {
  it('accepts a well-formed device without errors or changes', async () => {
    const entity = device('leaf-01-par1', goodAnnotations);
    const result = await processEntity(validationOnly(), entity);
    expect(result.errors).toEqual([]);
    expect(result.entity).toEqual(entity);
  });

  it('leaves other entities alone, even with ZTP annotations', async () => {
    const processor = validationOnly();
    const component: Entity = {
      ...device('web', { [ANNOTATION_SERIAL]: 'no good' }),
      kind: 'Component',
      spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
    };
    const server = device('srv-1', { [ANNOTATION_SERIAL]: 'no good' });
    server.spec!.type = 'server';
    for (const entity of [component, server]) {
      const result = await processEntity(processor, entity);
      expect(result.errors).toEqual([]);
      expect(result.entity).toBe(entity);
    }
  });

  it.each([
    [
      'a malformed serial',
      { [ANNOTATION_SERIAL]: 'FOC 2148' },
      `${ANNOTATION_SERIAL}: "FOC 2148" is not a serial number: use 4 to 40 letters, digits and inner dashes`,
    ],
    [
      'a missing serial',
      { [ANNOTATION_SERIAL]: undefined },
      `${ANNOTATION_SERIAL}: is required`,
    ],
    [
      'an unknown platform',
      { [ANNOTATION_PLATFORM]: 'cisco-ios-classic' },
      `${ANNOTATION_PLATFORM}: unknown platform "cisco-ios-classic"; known platforms are cisco-iosxe, cisco-nxos, arista-eos, juniper-junos`,
    ],
    [
      'a management address that is not an IP',
      { [ANNOTATION_MANAGEMENT_ADDRESS]: 'leaf-01/24' },
      `${ANNOTATION_MANAGEMENT_ADDRESS}: "leaf-01/24" is not an IP address with a prefix length (like 127.0.10.11/24)`,
    ],
    [
      'a management address without prefix length',
      { [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.21' },
      `${ANNOTATION_MANAGEMENT_ADDRESS}: "127.0.10.21" is not an IP address with a prefix length (like 127.0.10.11/24)`,
    ],
    [
      'a gateway that is not an IP',
      { [ANNOTATION_DEFAULT_GATEWAY]: '127.0.10.256' },
      `${ANNOTATION_DEFAULT_GATEWAY}: "127.0.10.256" is not an IP address`,
    ],
    [
      'a gateway outside the management network',
      { [ANNOTATION_DEFAULT_GATEWAY]: '127.0.20.1' },
      `${ANNOTATION_DEFAULT_GATEWAY}: 127.0.20.1 is outside the management network 127.0.10.21/24`,
    ],
    [
      'a MAC that is not a MAC',
      { [ANNOTATION_MAC_ADDRESS]: '70:db:98:10:21' },
      `${ANNOTATION_MAC_ADDRESS}: "70:db:98:10:21" is not a MAC address (like 52:54:00:12:34:56)`,
    ],
    [
      'a malformed hostname',
      { [ANNOTATION_HOSTNAME]: 'leaf_01' },
      `${ANNOTATION_HOSTNAME}: "leaf_01" is not a valid hostname`,
    ],
    [
      'neither MAC nor hostname',
      { [ANNOTATION_MAC_ADDRESS]: undefined, [ANNOTATION_HOSTNAME]: undefined },
      `a device needs ${ANNOTATION_MAC_ADDRESS} or ${ANNOTATION_HOSTNAME} (or both) to be recognised when it boots`,
    ],
    [
      'a temporary flag that is not a boolean',
      { [ANNOTATION_SERIAL_TEMPORARY]: 'yes' },
      `${ANNOTATION_SERIAL_TEMPORARY}: "yes" must be "true" or "false"`,
    ],
  ])('reports %s', async (_what, change, message) => {
    const entity = device('leaf-01-par1', { ...goodAnnotations, ...change });
    const result = await processEntity(validationOnly(), entity);
    expect(result.errors).toEqual([message]);
  });

  it('reports every problem of a device at once', async () => {
    const entity = device('leaf-01-par1', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL]: '??',
      [ANNOTATION_PLATFORM]: 'nokia-srl',
      [ANNOTATION_MAC_ADDRESS]: 'not-a-mac',
    });
    const { errors } = await processEntity(validationOnly(), entity);
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/serial-number: "\?\?" is not a serial number/),
        expect.stringMatching(/unknown platform "nokia-srl"/),
        expect.stringMatching(/"not-a-mac" is not a MAC address/),
      ]),
    );
  });

  it('tells the ZTP plugin what each declaration has wrong, and when it is fine', async () => {
    const reports: DeclarationReport[] = [];
    const processor = new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger: mockServices.logger.mock(),
      corrections: noCorrections,
      reporter: { report: r => reports.push(r) },
    });
    const bad = device('Leaf-01-PAR1', {
      ...goodAnnotations,
      [ANNOTATION_MAC_ADDRESS]: 'not-a-mac',
    });
    const { errors } = await processEntity(processor, bad);
    await processEntity(processor, device('leaf-02-par1', goodAnnotations));
    expect(reports).toEqual([
      {
        entityRef: 'resource:default/leaf-01-par1',
        location: `${location.type}:${location.target}`,
        problems: errors,
      },
      {
        entityRef: 'resource:default/leaf-02-par1',
        location: `${location.type}:${location.target}`,
        problems: [],
      },
    ]);
    expect(errors).toEqual([expect.stringMatching(/not a MAC address/)]);
  });

  it('accepts platforms added through its options', async () => {
    const entity = device('leaf-01-par1', {
      ...goodAnnotations,
      [ANNOTATION_PLATFORM]: 'nokia-srl',
    });
    expect((await processEntity(validationOnly(), entity)).errors).toHaveLength(
      1,
    );
    expect(
      (await processEntity(validationOnly(['nokia-srl']), entity)).errors,
    ).toEqual([]);
  });

  it('drops a hand-written serial-corrected-from annotation', async () => {
    const entity = device('leaf-01-par1', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL_CORRECTED_FROM]: 'TEMP-0001',
    });
    const result = await processEntity(validationOnly(), entity);
    expect(result.errors).toEqual([]);
    expect(
      result.entity.metadata.annotations?.[ANNOTATION_SERIAL_CORRECTED_FROM],
    ).toBeUndefined();
  });
});

describe('ZtpDeviceProcessor uniqueness', () => {
  const leaf1 = device('leaf-01-par1', goodAnnotations);
  const leaf2Annotations = {
    ...goodAnnotations,
    [ANNOTATION_SERIAL]: 'FDO23210ABD',
    [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.22/24',
    [ANNOTATION_MAC_ADDRESS]: '70:db:98:10:22:01',
    [ANNOTATION_HOSTNAME]: 'leaf-02-par1',
  };
  const leaf2 = device('leaf-02-par1', leaf2Annotations);
  const unique = {
    ...goodAnnotations,
    [ANNOTATION_SERIAL]: 'FDO23210ABZ',
    [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.20/24',
    [ANNOTATION_MAC_ADDRESS]: '70:db:98:10:20:01',
    [ANNOTATION_HOSTNAME]: 'leaf-00-par1',
  };

  function withCatalog(entities: Entity[]) {
    const logger = mockServices.logger.mock();
    const catalog = catalogServiceMock({ entities });
    const processor = new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger,
      corrections: noCorrections,
      catalog,
      auth: mockServices.auth(),
    });
    return { processor, logger, catalog };
  }

  it('is not confused by the device finding itself in the catalog', async () => {
    const { processor } = withCatalog([leaf1, leaf2]);
    expect((await processEntity(processor, leaf1)).errors).toEqual([]);
    expect((await processEntity(processor, leaf2)).errors).toEqual([]);
  });

  it.each([
    [
      'serial',
      { [ANNOTATION_SERIAL]: 'fdo23210abc' },
      `${ANNOTATION_SERIAL}: FDO23210ABC is already declared by resource:default/leaf-01-par1; each device needs its own value (the device that declared it first keeps it)`,
    ],
    [
      'MAC, in another notation',
      { [ANNOTATION_MAC_ADDRESS]: '70DB.9810.2101' },
      `${ANNOTATION_MAC_ADDRESS}: 70:db:98:10:21:01 is already declared by resource:default/leaf-01-par1; each device needs its own value (the device that declared it first keeps it)`,
    ],
    [
      'hostname',
      { [ANNOTATION_HOSTNAME]: 'LEAF-01-PAR1' },
      `${ANNOTATION_HOSTNAME}: leaf-01-par1 is already declared by resource:default/leaf-01-par1; each device needs its own value (the device that declared it first keeps it)`,
    ],
    [
      'management IP, with another prefix length',
      { [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.21/25' },
      `${ANNOTATION_MANAGEMENT_ADDRESS}: 127.0.10.21 is already declared by resource:default/leaf-01-par1; each device needs its own value (the device that declared it first keeps it)`,
    ],
  ])(
    'reports a %s that another device already has',
    async (_what, change, message) => {
      // leaf-00 sorts first, yet leaf-01 keeps the value: it had it first.
      const { processor } = withCatalog([leaf1, leaf2]);
      const newcomer = device('leaf-00-par1', { ...unique, ...change });
      expect((await processEntity(processor, newcomer)).errors).toEqual([
        message,
      ]);
      // The holder itself stays valid.
      expect((await processEntity(processor, leaf1)).errors).toEqual([]);
    },
  );

  it('asks the catalog to process a refused device again once its holder lets the value go', async () => {
    const inMemory = catalogServiceMock({ entities: [leaf1] });
    const refreshed: string[] = [];
    const catalog = catalogServiceMock.mock({
      queryEntities: (request, options) =>
        inMemory.queryEntities(request, options),
      refreshEntity: async ref => {
        refreshed.push(ref);
      },
    });
    const processor = checkingAgainst(catalog);
    const newcomer = device('leaf-00-par1', {
      ...unique,
      [ANNOTATION_SERIAL]: leaf1.metadata.annotations![ANNOTATION_SERIAL],
    });
    expect((await processEntity(processor, newcomer)).errors).toHaveLength(1);
    expect(refreshed).toEqual([]);
    // leaf-01's file is corrected: it declares another serial now.
    const corrected = device('leaf-01-par1', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL]: 'FDO99999ZZZ',
    });
    expect((await processEntity(processor, corrected)).errors).toEqual([]);
    await new Promise(r => setImmediate(r));
    expect(refreshed).toEqual(['resource:default/leaf-00-par1']);
    // Processed again, the newcomer is accepted.
    expect((await processEntity(processor, newcomer)).errors).toEqual([]);
  });

  it('after a restart, has the declarations refused before it processed again', async () => {
    const refreshed: string[] = [];
    const catalog = catalogServiceMock.mock({
      refreshEntity: async ref => {
        refreshed.push(ref);
        if (ref === 'resource:default/gone') {
          throw new Error('entity not found');
        }
      },
    });
    const processor = checkingAgainst(catalog, {
      reporter: {
        report: () => {},
        reportedWithProblems: async () => [
          'resource:default/gone',
          'resource:default/leaf-00-par1',
        ],
      },
    });
    await processor.processRefusedAgain();
    // One the catalog no longer knows does not stop the others.
    expect(refreshed).toEqual([
      'resource:default/gone',
      'resource:default/leaf-00-par1',
    ]);
  });

  it('warns, and asks nothing, when the refused declarations cannot be read', async () => {
    const catalog = catalogServiceMock.mock();
    const logger = mockServices.logger.mock();
    const processor = checkingAgainst(catalog, {
      logger,
      reporter: {
        report: () => {},
        reportedWithProblems: async () => {
          throw new Error('HTTP 503 Service Unavailable');
        },
      },
    });
    await processor.processRefusedAgain();
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/refused before this start.*HTTP 503/),
    );
  });

  it('finds duplicates across namespaces', async () => {
    const { processor } = withCatalog([leaf1]);
    const copy = device('leaf-01-par1', goodAnnotations, 'lab');
    const { errors } = await processEntity(processor, copy);
    expect(errors).toHaveLength(4);
    for (const error of errors) {
      expect(error).toContain(
        'already declared by resource:default/leaf-01-par1',
      );
    }
  });

  it('leaves the value to the first ref when both already have it', async () => {
    // Two new declarations processed at the same moment both got in.
    const twin = device('leaf-09-par1', {
      ...goodAnnotations,
      [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.29/24',
      [ANNOTATION_MAC_ADDRESS]: '70:db:98:10:29:01',
      [ANNOTATION_HOSTNAME]: 'leaf-09-par1',
    });
    const { processor } = withCatalog([leaf1, leaf2, twin]);
    expect((await processEntity(processor, leaf1)).errors).toEqual([]);
    expect((await processEntity(processor, twin)).errors).toEqual([
      expect.stringContaining(
        `${ANNOTATION_SERIAL}: FDO23210ABC is already declared by resource:default/leaf-01-par1`,
      ),
    ]);
  });

  it('checks the corrected serial, not the declared one', async () => {
    const temp = device('leaf-04-par1', {
      ...leaf2Annotations,
      [ANNOTATION_SERIAL]: 'TEMP-0001',
      [ANNOTATION_SERIAL_TEMPORARY]: 'true',
    });
    const processor = new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger: mockServices.logger.mock(),
      corrections: new FakeCorrections({
        'resource:default/leaf-04-par1': {
          serial: 'FDO23210ABC',
          previousSerial: 'TEMP-0001',
          correctedBy: 'user:default/jane',
          correctedAt: '2026-01-10T10:00:00.000Z',
        },
      }),
      catalog: catalogServiceMock({ entities: [leaf1] }),
      auth: mockServices.auth(),
    });
    expect((await processEntity(processor, temp)).errors).toEqual([
      expect.stringContaining('FDO23210ABC is already declared by'),
    ]);
  });

  it('checks a whole fleet from one read of the catalog, still reporting duplicates', async () => {
    const fleet = Array.from({ length: 60 }, (_, i) =>
      device(`leaf-${String(i).padStart(2, '0')}-par2`, {
        ...goodAnnotations,
        [ANNOTATION_SERIAL]: `FDO2321${String(i).padStart(4, '0')}`,
        [ANNOTATION_MANAGEMENT_ADDRESS]: `127.0.12.${10 + i}/24`,
        [ANNOTATION_DEFAULT_GATEWAY]: '127.0.12.1',
        [ANNOTATION_MAC_ADDRESS]: `70:db:98:12:${String(10 + i).padStart(
          2,
          '0',
        )}:01`,
        [ANNOTATION_HOSTNAME]: `leaf-${String(i).padStart(2, '0')}-par2`,
      }),
    );
    const inMemory = catalogServiceMock({ entities: fleet });
    const queries: string[] = [];
    const catalog = catalogServiceMock.mock({
      queryEntities: async (request, options) => {
        queries.push('queryEntities');
        return inMemory.queryEntities(request, options);
      },
      getEntities: async (request, options) => {
        queries.push('getEntities');
        return inMemory.getEntities(request, options);
      },
      getEntitiesByRefs: async (request, options) => {
        queries.push('getEntitiesByRefs');
        return inMemory.getEntitiesByRefs(request, options);
      },
    });
    const processor = checkingAgainst(catalog);
    for (const entity of fleet) {
      expect((await processEntity(processor, entity)).errors).toEqual([]);
    }
    // A newcomer with a MAC (in another notation) and an address that two
    // devices of the fleet have, and a new device that takes nothing.
    const newcomer = device('leaf-99-par2', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL]: 'FDO23219999',
      [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.12.11/25',
      [ANNOTATION_DEFAULT_GATEWAY]: '127.0.12.1',
      [ANNOTATION_MAC_ADDRESS]: '70DB.9812.1201',
      [ANNOTATION_HOSTNAME]: 'leaf-99-par2',
    });
    expect((await processEntity(processor, newcomer)).errors).toEqual([
      `${ANNOTATION_MAC_ADDRESS}: 70:db:98:12:12:01 is already declared by resource:default/leaf-02-par2; each device needs its own value (the device that declared it first keeps it)`,
      `${ANNOTATION_MANAGEMENT_ADDRESS}: 127.0.12.11 is already declared by resource:default/leaf-01-par2; each device needs its own value (the device that declared it first keeps it)`,
    ]);
    // 61 devices checked with one page read of the catalog.
    expect(queries).toEqual(['queryEntities']);

    // A device accepted since that read holds its values at once: another
    // declaring its serial is told, still without a query.
    const fresh = device('leaf-98-par2', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL]: 'FDO23219898',
      [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.12.98/24',
      [ANNOTATION_DEFAULT_GATEWAY]: '127.0.12.1',
      [ANNOTATION_MAC_ADDRESS]: '70:db:98:12:98:01',
      [ANNOTATION_HOSTNAME]: 'leaf-98-par2',
    });
    expect((await processEntity(processor, fresh)).errors).toEqual([]);
    const copy = device('leaf-97-par2', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL]: 'fdo23219898',
      [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.12.97/24',
      [ANNOTATION_DEFAULT_GATEWAY]: '127.0.12.1',
      [ANNOTATION_MAC_ADDRESS]: '70:db:98:12:97:01',
      [ANNOTATION_HOSTNAME]: 'leaf-97-par2',
    });
    expect((await processEntity(processor, copy)).errors).toEqual([
      expect.stringContaining(
        'FDO23219898 is already declared by resource:default/leaf-98-par2',
      ),
    ]);
    expect(queries).toEqual(['queryEntities']);
  });

  it('reads the catalog again once its index is older than its maximum age', async () => {
    const inMemory = catalogServiceMock({ entities: [leaf1] });
    let reads = 0;
    const catalog = catalogServiceMock.mock({
      queryEntities: async (request, options) => {
        reads++;
        return inMemory.queryEntities(request, options);
      },
    });
    const processor = checkingAgainst(catalog, {
      uniquenessIndexMaxAgeMs: 0,
    });
    await processEntity(processor, leaf1);
    await processEntity(processor, leaf2);
    expect(reads).toBe(2);
  });

  it('skips the check, warning once, when the catalog does not answer', async () => {
    const logger = mockServices.logger.mock();
    const catalog = catalogServiceMock.mock({
      queryEntities: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
      },
    });
    const processor = new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger,
      corrections: noCorrections,
      catalog,
      auth: mockServices.auth(),
    });
    expect((await processEntity(processor, leaf1)).errors).toEqual([]);
    expect((await processEntity(processor, leaf2)).errors).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('ECONNREFUSED'),
    );

    catalog.queryEntities.mockResolvedValue({
      items: [leaf1],
      pageInfo: {},
      totalItems: 1,
    });
    expect((await processEntity(processor, leaf1)).errors).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('running again'),
    );
  });
});

describe('ZtpDeviceProcessor serial corrections', () => {
  const correction: SerialCorrectionInfo = {
    serial: 'JPE20154488',
    previousSerial: 'TEMP-0001',
    correctedBy: 'user:default/jane',
    correctedAt: '2026-01-10T10:00:00.000Z',
  };
  const temporary = {
    ...goodAnnotations,
    [ANNOTATION_PLATFORM]: 'arista-eos',
    [ANNOTATION_SERIAL]: 'TEMP-0001',
    [ANNOTATION_SERIAL_TEMPORARY]: 'true',
  };

  function processorWith(source: SerialCorrectionSource) {
    return new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger: mockServices.logger.mock(),
      corrections: source,
    });
  }

  it('puts the corrected serial on the entity', async () => {
    const source = new FakeCorrections({
      'resource:default/leaf-04-par1': correction,
    });
    const result = await processEntity(
      processorWith(source),
      device('leaf-04-par1', temporary),
    );
    expect(result.errors).toEqual([]);
    expect(result.entity.metadata.annotations).toEqual({
      ...temporary,
      [ANNOTATION_SERIAL]: 'JPE20154488',
      [ANNOTATION_SERIAL_TEMPORARY]: 'false',
      [ANNOTATION_SERIAL_CORRECTED_FROM]: 'TEMP-0001',
    });
    // Temporary serials are the ones corrected: asked without cache.
    expect(source.calls).toEqual([
      { entityRef: 'resource:default/leaf-04-par1', maxAgeMs: 0 },
    ]);
  });

  it('compares serials the way devices print them', async () => {
    const source = new FakeCorrections({
      'resource:default/leaf-04-par1': correction,
    });
    const result = await processEntity(
      processorWith(source),
      device('leaf-04-par1', {
        ...temporary,
        [ANNOTATION_SERIAL]: 'temp-0001',
      }),
    );
    expect(result.entity.metadata.annotations?.[ANNOTATION_SERIAL]).toBe(
      'JPE20154488',
    );
  });

  it('changes nothing once the file declares the corrected serial', async () => {
    const source = new FakeCorrections({
      'resource:default/leaf-04-par1': correction,
    });
    const updated = device('leaf-04-par1', {
      ...goodAnnotations,
      [ANNOTATION_SERIAL]: 'JPE20154488',
    });
    const result = await processEntity(processorWith(source), updated);
    expect(result.errors).toEqual([]);
    expect(result.entity).toEqual(updated);
    expect(source.calls).toEqual([
      { entityRef: 'resource:default/leaf-04-par1', maxAgeMs: undefined },
    ]);
  });

  it('lets a newer declaration of another serial win', async () => {
    const source = new FakeCorrections({
      'resource:default/leaf-04-par1': correction,
    });
    const redeclared = device('leaf-04-par1', {
      ...temporary,
      [ANNOTATION_SERIAL]: 'TEMP-0002',
    });
    const result = await processEntity(processorWith(source), redeclared);
    expect(result.entity).toEqual(redeclared);
  });

  it('keeps the declared serial of devices without a correction', async () => {
    const entity = device('leaf-04-par1', temporary);
    const result = await processEntity(
      processorWith(new FakeCorrections({})),
      entity,
    );
    expect(result.errors).toEqual([]);
    expect(result.entity).toEqual(entity);
  });

  it('keeps the declared serial when the source fails', async () => {
    const logger = mockServices.logger.mock();
    const processor = new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger,
      corrections: {
        getCorrection: async () => {
          throw new Error('boom');
        },
      },
    });
    const entity = device('leaf-04-par1', temporary);
    const result = await processEntity(processor, entity);
    expect(result.errors).toEqual([]);
    expect(result.entity).toEqual(entity);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });
});

describe('ZtpDeviceProcessor replacement boxes', () => {
  // A replacement (RMA): the new box's serial and MAC, over the old box's.
  const replacement: SerialCorrectionInfo = {
    serial: 'FDO29990XYZ',
    previousSerial: 'FDO23210ABC',
    correctedBy: 'user:default/jane',
    correctedAt: '2026-12-03T10:00:00.000Z',
    macAddress: '70:db:98:99:21:01',
    previousMacAddress: '70:db:98:10:21:01',
  };
  const processor = (c: SerialCorrectionInfo) =>
    new ZtpDeviceProcessor({
      platforms: builtinPlatformDrivers,
      logger: mockServices.logger.mock(),
      corrections: new FakeCorrections({ 'resource:default/leaf-01-par1': c }),
    });

  it('shows the new serial and MAC the way it shows a corrected serial', async () => {
    const result = await processEntity(
      processor(replacement),
      device('leaf-01-par1', {
        ...goodAnnotations,
        // The old box's MAC, as the file writes it.
        [ANNOTATION_MAC_ADDRESS]: '70db.9810.2101',
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.entity.metadata.annotations).toMatchObject({
      [ANNOTATION_SERIAL]: 'FDO29990XYZ',
      [ANNOTATION_SERIAL_CORRECTED_FROM]: 'FDO23210ABC',
      [ANNOTATION_MAC_ADDRESS]: '70:db:98:99:21:01',
    });
  });

  it('lets a newer declaration of another MAC win', async () => {
    const redeclared = device('leaf-01-par1', {
      ...goodAnnotations,
      [ANNOTATION_MAC_ADDRESS]: '70:db:98:55:21:01',
    });
    const result = await processEntity(processor(replacement), redeclared);
    expect(result.entity.metadata.annotations?.[ANNOTATION_MAC_ADDRESS]).toBe(
      '70:db:98:55:21:01',
    );
  });

  it('keeps the declared MAC of a replacement that gave none', async () => {
    const { macAddress, previousMacAddress, ...serialOnly } = replacement;
    const result = await processEntity(
      processor(serialOnly),
      device('leaf-01-par1', goodAnnotations),
    );
    expect(result.entity.metadata.annotations).toMatchObject({
      [ANNOTATION_SERIAL]: 'FDO29990XYZ',
      [ANNOTATION_MAC_ADDRESS]: '70:db:98:10:21:01',
    });
  });
});
