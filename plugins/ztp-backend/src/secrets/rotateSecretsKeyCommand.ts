/*
 * Re-encrypts every stored device password from the current ztp.secrets.key
 * to a new key. Run with the backend stopped, from the repository:
 *
 *   ZTP_NEW_SECRETS_KEY=<new key> yarn workspace @ztp-portal/backstage-plugin-ztp-backend \
 *     rotate-secrets-key --config ../../app-config.yaml [--config ...]
 *
 * The config files are the backend's (paths relative to plugins/ztp-backend,
 * which sits as deep as packages/backend), so the database is found as the
 * backend finds it; the current key is their ztp.secrets.key.
 */
import { DatabaseManager } from '@backstage/backend-defaults/database';
import type {
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigSources } from '@backstage/config-loader';
import { openZtpStores } from '../database/ZtpStores';
import { CredentialVault } from '../credentials/CredentialVault';
import { rotateSecretsKey } from './rotateSecretsKey';

const NEW_KEY_VARIABLE = 'ZTP_NEW_SECRETS_KEY';

/** Knex and the database manager log through this: to stderr, briefly. */
function stderrLogger(): LoggerService {
  const write = (level: string) => (message: string) =>
    process.stderr.write(`${level}: ${message}\n`);
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** The command runs no plugin: nothing starts, and it closes its own client. */
const noLifecycle: LifecycleService = {
  addStartupHook: () => {},
  addShutdownHook: () => {},
};

async function main(argv: string[]) {
  const to = CredentialVault.fromSecret(
    process.env[NEW_KEY_VARIABLE],
    NEW_KEY_VARIABLE,
  );
  const config = await ConfigSources.toConfig(ConfigSources.default({ argv }));
  try {
    const from = CredentialVault.fromConfig(config);
    if (config.getString('ztp.secrets.key') === process.env[NEW_KEY_VARIABLE]) {
      throw new Error(
        `${NEW_KEY_VARIABLE} is the key already in ztp.secrets.key: nothing to rotate`,
      );
    }
    const database = DatabaseManager.fromConfig(config).forPlugin('ztp', {
      logger: stderrLogger(),
      lifecycle: noLifecycle,
    });
    const client = await database.getClient();
    try {
      const { stores } = await openZtpStores({ database });
      const { passwords } = await rotateSecretsKey(stores.secretsKey, from, to);
      process.stdout.write(
        `Re-encrypted ${passwords} device password${
          passwords === 1 ? '' : 's'
        } and the key check value with the new key. Set ztp.secrets.key to the new key (the value of ${NEW_KEY_VARIABLE}) before starting the backend again.\n`,
      );
    } finally {
      await client.destroy();
    }
  } finally {
    config.close();
  }
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`rotate-secrets-key: ${error?.message ?? error}\n`);
  process.exit(1);
});
