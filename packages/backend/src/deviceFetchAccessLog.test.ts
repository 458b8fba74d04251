/*
 * The access log of the backend's own port, as app-config.yaml configures
 * Backstage's root logger: device fetches on the plugin-router door write
 * no line (each is on the device's timeline), every other request does.
 */
import { ConfigReader } from '@backstage/config';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import * as winston from 'winston';
import yaml from 'yaml';

const appConfig = new ConfigReader(
  yaml.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../../../app-config.yaml'),
      'utf8',
    ),
  ),
);

/** Backstage's root logger with the level overrides of app-config.yaml. */
function rootLogger() {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', chunk => lines.push(String(chunk)));
  const logger = WinstonLogger.create({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  logger.setLevelOverrides(
    appConfig.getConfigArray('backend.logger.overrides').map(o => ({
      matchers: o.getConfig('matchers').get(),
      level: o.getString('level'),
    })),
  );
  return { logger, lines };
}

describe('the access log', () => {
  it('has no line for device fetches and one for every other request', async () => {
    const { logger, lines } = rootLogger();
    const logging = MiddlewareFactory.create({
      config: appConfig,
      logger,
    }).logging();
    const server = http.createServer((req, res) =>
      logging(req as any, res as any, () => res.end('ok')),
    );
    const paths = [
      '/api/ztp/provision/ztp/config/by-mac/02:00:00:00:00:01',
      '/api/ztp/provision/ztp/config/by-serial/FOC2148Z0AB',
      '/api/ztp/provision?serial=FOC2148Z0AB',
      '/api/ztp/devices',
      '/api/ztp/provisioning-settings',
      '/api/catalog/entities',
    ];
    for (const p of paths) await request(server).get(p).expect(200);
    await new Promise(r => setImmediate(r));
    const logged = lines.map(l => JSON.parse(l).url);
    expect(logged).toEqual([
      '/api/ztp/devices',
      '/api/ztp/provisioning-settings',
      '/api/catalog/entities',
    ]);
  });
});
