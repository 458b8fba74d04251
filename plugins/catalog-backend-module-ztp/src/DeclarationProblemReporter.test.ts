import { mockServices } from '@backstage/backend-test-utils';
import { DECLARATION_REPORT_REFRESH_MS } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  ZtpBackendDeclarationProblemReporter,
  type DeclarationReport,
} from './DeclarationProblemReporter';
import { FakeZtpBackend } from './__testUtils__/FakeZtpBackend';

const bad = (n: number): DeclarationReport => ({
  entityRef: `resource:default/leaf-${n}`,
  location: 'file:/fleet/devices.yaml',
  problems: [`ztp.network/mac-address: "x${n}" is not a MAC address`],
});
const fine = (n: number): DeclarationReport => ({
  ...bad(n),
  problems: [],
});

describe('ZtpBackendDeclarationProblemReporter', () => {
  const backend = new FakeZtpBackend();
  let baseUrl: string;
  let now: number;

  beforeAll(async () => {
    baseUrl = await backend.start();
  });
  afterAll(() => backend.stop());
  beforeEach(() => {
    backend.requests = [];
    backend.status = 204;
    now = 1_000_000;
  });

  function createReporter() {
    const logger = mockServices.logger.mock();
    const reporter = new ZtpBackendDeclarationProblemReporter({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => baseUrl,
      }),
      auth: mockServices.auth({ pluginId: 'catalog' }),
      logger,
      flushDelayMs: 60_000,
      now: () => now,
    });
    return { reporter, logger };
  }

  it('sends what changed in one request with a service token', async () => {
    const { reporter } = createReporter();
    reporter.report(bad(1));
    reporter.report(fine(2));
    reporter.report(bad(1));
    await reporter.flush();
    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/ztp/declaration-problems',
    });
    expect(backend.requests[0].authorization).toMatch(/^Bearer /);
    expect(backend.requests[0].body.reports).toEqual([bad(1), fine(2)]);

    // Processed again unchanged: nothing to send.
    reporter.report(bad(1));
    reporter.report(fine(2));
    await reporter.flush();
    expect(backend.requests).toHaveLength(1);

    // Fixed: sent once; still fine later: never again.
    reporter.report(fine(1));
    await reporter.flush();
    now += DECLARATION_REPORT_REFRESH_MS + 1;
    reporter.report(fine(1));
    reporter.report(fine(2));
    await reporter.flush();
    expect(backend.requests.map(r => r.body.reports)).toEqual([
      [bad(1), fine(2)],
      [fine(1)],
    ]);
  });

  it('sends problems again after ten minutes, so that they stay current', async () => {
    const { reporter } = createReporter();
    reporter.report(bad(3));
    await reporter.flush();
    now += DECLARATION_REPORT_REFRESH_MS - 1;
    reporter.report(bad(3));
    await reporter.flush();
    now += 2;
    reporter.report(bad(3));
    await reporter.flush();
    expect(backend.requests.map(r => r.body.reports)).toEqual([
      [bad(3)],
      [bad(3)],
    ]);
  });

  it('splits large batches, and sends again what the backend refused', async () => {
    const { reporter, logger } = createReporter();
    backend.status = 503;
    for (let n = 0; n < 150; n++) reporter.report(bad(n));
    await reporter.flush();
    expect(backend.requests.map(r => r.body.reports.length)).toEqual([100, 50]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(/HTTP 503/);

    backend.status = 204;
    backend.requests = [];
    reporter.report(bad(7));
    await reporter.flush();
    expect(backend.requests.map(r => r.body.reports)).toEqual([[bad(7)]]);
    expect(logger.info).toHaveBeenCalledWith(
      'Declaration problems reach the ZTP backend again',
    );
  });

  it('reads back the declarations whose problems the ZTP backend holds', async () => {
    const { reporter } = createReporter();
    backend.status = 200;
    backend.body = {
      items: [
        {
          entityRef: 'resource:default/leaf-1',
          problems: ['a problem'],
          firstSeen: '2026-12-06T10:00:00.000Z',
          lastSeen: '2026-12-06T10:00:00.000Z',
        },
      ],
    };
    try {
      expect(await reporter.reportedWithProblems()).toEqual([
        'resource:default/leaf-1',
      ]);
    } finally {
      backend.body = undefined;
    }
    expect(backend.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: '/api/ztp/declaration-problems',
        authorization: expect.stringMatching(/^Bearer /),
      }),
    ]);
    backend.status = 503;
    await expect(reporter.reportedWithProblems()).rejects.toThrow(/503/);
  });
});
