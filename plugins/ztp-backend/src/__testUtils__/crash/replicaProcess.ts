import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ZtpChild } from './childProcess';

const REPLICA_ENTRY = path.join(__dirname, 'replicaChild.ts');
const TS_LOADER = require.resolve('@backstage/cli/config/nodeTransform.cjs');

/** A replica started by {@link startReplica}. */
export type Replica = ZtpChild & {
  /** Resolves with the port of its API (the plugin routes under /api/ztp). */
  apiPort: Promise<number>;
};

/**
 * Starts replicaChild.ts: one ZTP backend on the PostgreSQL database named
 * by `prefix` on the server at `postgresUrl`, its door on `doorPort`.
 */
export function startReplica(options: {
  fleetFile: string;
  doorPort: number;
  prefix: string;
  postgresUrl: string;
}): Replica {
  const child = spawn(
    process.execPath,
    [
      '-r',
      TS_LOADER,
      REPLICA_ENTRY,
      options.fleetFile,
      String(options.doorPort),
      options.prefix,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'test',
        ZTP_TEST_POSTGRES_URL: options.postgresUrl,
      },
    },
  );
  let output = '';
  let announced: (port: number) => void = () => {};
  const apiPort = new Promise<number>(resolve => (announced = resolve));
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    const match = /api port (\d+)/.exec(output);
    if (match) announced(Number(match[1]));
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<string>(resolve =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  return { process: child, exited, output: () => output, apiPort };
}
