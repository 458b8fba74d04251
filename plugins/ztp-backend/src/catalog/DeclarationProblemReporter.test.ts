import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  REPORT_REFRESH_MS,
  ZtpBackendDeclarationProblemReporter,
  type DeclarationReport,
} from './DeclarationProblemReporter';

/** A stand-in for the ZTP backend's route, on loopback. */
class FakeZtpBackend {
  posts: {
    request: string;
    authorization?: string;
    reports: DeclarationReport[];
  }[] = [];
  status = 204;
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      this.posts.push({
        request: `${req.method} ${req.url}`,
        authorization: req.headers.authorization,
        reports: JSON.parse(body).reports,
      });
      res.writeHead(this.status);
      res.end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/ztp`;
  }

  async stop() {
    await new Promise(resolve => this.server.close(resolve));
  }
}

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
    backend.posts = [];
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
    expect(backend.posts).toHaveLength(1);
    expect(backend.posts[0].request).toBe('POST /api/ztp/declaration-problems');
    expect(backend.posts[0].authorization).toMatch(/^Bearer /);
    expect(backend.posts[0].reports).toEqual([bad(1), fine(2)]);

    // Processed again unchanged: nothing to send.
    reporter.report(bad(1));
    reporter.report(fine(2));
    await reporter.flush();
    expect(backend.posts).toHaveLength(1);

    // Fixed: sent once; still fine later: never again.
    reporter.report(fine(1));
    await reporter.flush();
    now += REPORT_REFRESH_MS + 1;
    reporter.report(fine(1));
    reporter.report(fine(2));
    await reporter.flush();
    expect(backend.posts.map(p => p.reports)).toEqual([
      [bad(1), fine(2)],
      [fine(1)],
    ]);
  });

  it('sends problems again after ten minutes, so that they stay current', async () => {
    const { reporter } = createReporter();
    reporter.report(bad(3));
    await reporter.flush();
    now += REPORT_REFRESH_MS - 1;
    reporter.report(bad(3));
    await reporter.flush();
    now += 2;
    reporter.report(bad(3));
    await reporter.flush();
    expect(backend.posts.map(p => p.reports)).toEqual([[bad(3)], [bad(3)]]);
  });

  it('splits large batches, and sends again what the backend refused', async () => {
    const { reporter, logger } = createReporter();
    backend.status = 503;
    for (let n = 0; n < 150; n++) reporter.report(bad(n));
    await reporter.flush();
    expect(backend.posts.map(p => p.reports.length)).toEqual([100, 50]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(/HTTP 503/);

    backend.status = 204;
    backend.posts = [];
    reporter.report(bad(7));
    await reporter.flush();
    expect(backend.posts.map(p => p.reports)).toEqual([[bad(7)]]);
    expect(logger.info).toHaveBeenCalledWith(
      'Declaration problems reach the ZTP backend again',
    );
  });
});
