import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ZtpBackendSerialCorrectionSource } from './SerialCorrectionSource';
import { FakeZtpBackend } from './__testUtils__/FakeZtpBackend';

const correction = {
  entityRef: 'resource:default/leaf-04-par1',
  serial: 'JPE20154488',
  previousSerial: 'TEMP-0001',
  correctedBy: 'user:default/jane',
  correctedAt: '2026-01-10T10:00:00.000Z',
};

describe('ZtpBackendSerialCorrectionSource', () => {
  const backend = new FakeZtpBackend();
  let baseUrl: string;
  let now: number;

  beforeAll(async () => {
    baseUrl = await backend.start();
  });
  afterAll(() => backend.stop());
  beforeEach(() => {
    backend.requests = [];
    backend.status = 200;
    backend.body = { items: [correction] };
    now = 1_000_000;
  });

  function createSource(cacheTtlMs = 5000) {
    const logger = mockServices.logger.mock();
    const source = new ZtpBackendSerialCorrectionSource({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId => {
          expect(pluginId).toBe('ztp');
          return baseUrl;
        },
      }),
      auth: mockServices.auth({ pluginId: 'catalog' }),
      logger,
      cacheTtlMs,
      now: () => now,
    });
    return { source, logger };
  }

  it('reads corrections from the ZTP backend with a service token', async () => {
    const { source } = createSource();
    await expect(
      source.getCorrection('Resource:default/Leaf-04-PAR1'),
    ).resolves.toEqual({
      serial: 'JPE20154488',
      previousSerial: 'TEMP-0001',
      correctedBy: 'user:default/jane',
      correctedAt: '2026-01-10T10:00:00.000Z',
    });
    await expect(
      source.getCorrection('resource:default/leaf-01-par1'),
    ).resolves.toBeUndefined();

    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0].url).toBe('/api/ztp/serial-corrections');
    // The mock auth service's token names the caller and the target plugin.
    expect(backend.requests[0].authorization).toMatch(/^Bearer .+/);
    expect(backend.requests[0].authorization).toContain(
      '"sub":"plugin:catalog"',
    );
    expect(backend.requests[0].authorization).toContain('"target":"ztp"');
  });

  it('reuses the list for the configured time, unless asked for fresh data', async () => {
    const { source } = createSource(5000);
    await source.getCorrection(correction.entityRef);
    now += 4000;
    await source.getCorrection(correction.entityRef);
    expect(backend.requests).toHaveLength(1);

    await source.getCorrection(correction.entityRef, { maxAgeMs: 0 });
    expect(backend.requests).toHaveLength(2);

    now += 6000;
    backend.body = { items: [] };
    await expect(
      source.getCorrection(correction.entityRef),
    ).resolves.toBeUndefined();
    expect(backend.requests).toHaveLength(3);
  });

  it('shares one request between devices processed at the same moment', async () => {
    const { source } = createSource();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        source.getCorrection(correction.entityRef),
      ),
    );
    expect(answers.every(a => a?.serial === 'JPE20154488')).toBe(true);
    expect(backend.requests).toHaveLength(1);
  });

  it('answers "no correction" and warns once while the backend fails', async () => {
    const { source, logger } = createSource(0);
    backend.status = 503;
    backend.body = { error: { message: 'not ready' } };
    for (let i = 0; i < 3; i++) {
      now += 1;
      await expect(
        source.getCorrection(correction.entityRef),
      ).resolves.toBeUndefined();
    }
    expect(backend.requests).toHaveLength(3);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('HTTP 503'),
    );

    backend.status = 200;
    backend.body = { items: [correction] };
    now += 1;
    await expect(
      source.getCorrection(correction.entityRef),
    ).resolves.toMatchObject({ serial: 'JPE20154488' });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('readable again'),
    );
  });

  it('rejects a malformed answer without failing', async () => {
    const { source, logger } = createSource();
    backend.body = { items: [{ entityRef: 'resource:default/x' }] };
    await expect(
      source.getCorrection('resource:default/x'),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('gives up on a backend that is not listening', async () => {
    const closed = new FakeZtpBackend();
    const closedUrl = await closed.start();
    await closed.stop();
    const logger = mockServices.logger.mock();
    const source = new ZtpBackendSerialCorrectionSource({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => closedUrl,
      }),
      auth: mockServices.auth(),
      logger,
    });
    await expect(
      source.getCorrection(correction.entityRef),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Could not read serial corrections'),
    );
  });

  it('reads its cache time from config', async () => {
    const logger = mockServices.logger.mock();
    const source = ZtpBackendSerialCorrectionSource.fromConfig(
      new ConfigReader({
        ztp: { catalog: { serialCorrections: { cacheSeconds: 0 } } },
      }),
      {
        discovery: mockServices.discovery.mock({
          getBaseUrl: async () => baseUrl,
        }),
        auth: mockServices.auth(),
        logger,
      },
    );
    await source.getCorrection(correction.entityRef);
    await new Promise(resolve => setTimeout(resolve, 5));
    await source.getCorrection(correction.entityRef);
    expect(backend.requests).toHaveLength(2);
  });
});
