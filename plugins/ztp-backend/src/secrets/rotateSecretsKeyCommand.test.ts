import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { CredentialVault } from '../credentials/CredentialVault';
import { verifySecretsKey } from './keyCheck';

jest.setTimeout(60_000);

const PACKAGE_DIR = path.resolve(__dirname, '../..');
const OLD_SECRET = 'command-old-key-0123456789';
const NEW_SECRET = 'command-new-key-9876543210';
const REF = 'resource:default/leaf-1';

/** The documented command, as `yarn workspace ... rotate-secrets-key` runs it. */
function runCommand(
  configFile: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = require(path.join(PACKAGE_DIR, 'package.json')).scripts[
    'rotate-secrets-key'
  ] as string;
  const [node, ...args] = script.split(' ');
  expect(node).toBe('node');
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [...args, '--config', configFile],
      {
        cwd: PACKAGE_DIR,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as any).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describe('the rotate-secrets-key command', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-rotate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("re-encrypts the backend's database found through its config, and refuses an old key that is wrong", async () => {
    // The backend's SQLite file for the ztp plugin, with one device.
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'ztp.sqlite') },
      useNullAsDefault: true,
    });
    const oldKey = new CredentialVault(OLD_SECRET);
    try {
      await migrateZtpDatabase(db);
      const stores = ztpStoresOn(db);
      await stores.devices.insertDevices([
        {
          device: {
            entityRef: REF,
            namespace: 'default',
            name: 'leaf-1',
            platform: 'arista-eos',
            managementAddress: '127.0.10.1/24',
            managementIp: '127.0.10.1',
            sshPort: 22,
            hostname: 'leaf-1',
            declaredSerial: 'SSJ1',
            serialTemporary: false,
            declarationHash: 'h',
            expectedSerial: 'SSJ1',
            localUsername: 'ztp-000001',
            localPasswordEnc: oldKey.encrypt('the-password', REF),
            localPasswordHash: '$6$x$y',
          },
          event: {
            entityRef: REF,
            type: 'device.added',
            actor: 'system',
            message: 'a',
          },
        },
      ]);
      await verifySecretsKey(stores.secretsKey, oldKey);
    } finally {
      await db.destroy();
    }
    const configFile = path.join(dir, 'app-config.yaml');
    fs.writeFileSync(
      configFile,
      [
        'backend:',
        '  database:',
        '    client: better-sqlite3',
        '    connection:',
        `      directory: ${dir}`,
        'ztp:',
        '  secrets:',
        '    key: ${ZTP_SECRETS_KEY}',
        '',
      ].join('\n'),
    );

    const missing = await runCommand(configFile, {
      ZTP_SECRETS_KEY: OLD_SECRET,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ZTP_NEW_SECRETS_KEY must be set/);

    const rotated = await runCommand(configFile, {
      ZTP_SECRETS_KEY: OLD_SECRET,
      ZTP_NEW_SECRETS_KEY: NEW_SECRET,
    });
    expect(rotated).toMatchObject({ code: 0 });
    expect(rotated.stdout).toMatch(/Re-encrypted 1 device password/);
    expect(`${rotated.stdout}${rotated.stderr}`).not.toContain('the-password');

    const again = await runCommand(configFile, {
      ZTP_SECRETS_KEY: OLD_SECRET,
      ZTP_NEW_SECRETS_KEY: 'yet-another-key-0123456789',
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ztp\.secrets\.key is not the key/);

    const after = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'ztp.sqlite') },
      useNullAsDefault: true,
    });
    try {
      const stores = ztpStoresOn(after);
      const device = (await stores.devices.getDevice(REF))!;
      expect(
        new CredentialVault(NEW_SECRET).decrypt(device.localPasswordEnc, REF),
      ).toBe('the-password');
      expect(
        await verifySecretsKey(
          stores.secretsKey,
          new CredentialVault(NEW_SECRET),
        ),
      ).toBe('verified');
    } finally {
      await after.destroy();
    }
  });
});
