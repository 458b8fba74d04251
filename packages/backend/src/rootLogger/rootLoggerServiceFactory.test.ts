import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { coreServices } from '@backstage/backend-plugin-api';
import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import { rootLoggerServiceFactory } from './rootLoggerServiceFactory';

jest.setTimeout(120_000);

const CHILD = path.join(
  __dirname,
  '__testUtils__',
  'secretsWithoutTypeScript.ts',
);
const TS_LOADER = require.resolve('@backstage/cli/config/nodeTransform.cjs');

const SECRET_KEY = 'k9-the-secrets-key-of-this-test';
const CONFIG = {
  backend: { baseUrl: 'http://127.0.0.1:7007' },
  ztp: { secrets: { key: SECRET_KEY } },
};

async function secretsFound(how: 'child' | 'in-process') {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', TS_LOADER, CHILD, how, JSON.stringify(CONFIG)],
    { env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 << 20 },
  );
  return JSON.parse(stdout) as { secrets: string[]; typescriptLoaded: boolean };
}

describe('the root logger', () => {
  it('finds the same secrets as Backstage without loading TypeScript', async () => {
    const [child, inProcess] = await Promise.all([
      secretsFound('child'),
      secretsFound('in-process'),
    ]);
    expect(child.secrets).toContain(SECRET_KEY);
    expect(child.secrets.sort()).toEqual(inProcess.secrets.sort());
    // Backstage's own collection loads the compiler; this one does not.
    expect(inProcess.typescriptLoaded).toBe(true);
    expect(child.typescriptLoaded).toBe(false);
  });

  it('redacts the secrets of the config in what it logs', async () => {
    // Winston's console transport writes to console._stdout, which is
    // process.stdout in a plain run and jest's own stream in a parallel one.
    const written: string[] = [];
    const record = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const streams = new Set([
      process.stdout,
      (console as unknown as { _stdout?: NodeJS.WriteStream })._stdout ??
        process.stdout,
    ]);
    const spies = [
      ...[...streams].map(stream =>
        jest.spyOn(stream, 'write').mockImplementation(record),
      ),
      jest
        .spyOn(console, 'log')
        .mockImplementation((...args) => record(args.join(' '))),
    ];
    try {
      const logger = await ServiceFactoryTester.from(rootLoggerServiceFactory, {
        dependencies: [mockServices.rootConfig.factory({ data: CONFIG })],
      }).getService(coreServices.rootLogger);
      logger.info(`the key is ${SECRET_KEY}`);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const line = written.find(text => text.includes('the key is'));
    expect(line).toBeDefined();
    expect(line).not.toContain(SECRET_KEY);
    expect(line).toContain('***');
  });

  it('refuses a level override that is not a level', async () => {
    await expect(
      ServiceFactoryTester.from(rootLoggerServiceFactory, {
        dependencies: [
          mockServices.rootConfig.factory({
            data: {
              ...CONFIG,
              backend: {
                ...CONFIG.backend,
                logger: {
                  overrides: [{ matchers: { plugin: 'ztp' }, level: 'loud' }],
                },
              },
            },
          }),
        ],
      }).getService(coreServices.rootLogger),
    ).rejects.toThrow(/backend\.logger\.overrides\[0\]\.level, 'loud'/);
  });
});
