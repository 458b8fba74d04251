/*
 * Run as a child of the test (plain node with Backstage's TypeScript
 * loader), so that its module cache is a real process's: finds the config's
 * secrets the way the root logger does, with the schema collected in this
 * process ("in-process", Backstage's way) or in a child ("child"), and says
 * whether the TypeScript compiler was loaded here.
 */
import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import { ConfigReader } from '@backstage/config';
import { loadConfigSchema } from '@backstage/config-loader';
import { getPackages } from '@manypkg/get-packages';
import { loadConfigSchemaInChildProcess } from '../configSchemaInChildProcess';

const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
};

async function main() {
  const how = process.argv[2];
  const schema =
    how === 'child'
      ? await loadConfigSchemaInChildProcess({ onWarning() {} })
      : await loadConfigSchema({
          dependencies: (
            await getPackages(process.cwd())
          ).packages.map(p => p.packageJson.name),
        });
  const secretsOf = await createConfigSecretEnumerator({
    logger: silent,
    schema,
  });
  const config = new ConfigReader(JSON.parse(process.argv[3]));
  process.stdout.write(
    JSON.stringify({
      secrets: [...secretsOf(config)],
      typescriptLoaded: Object.keys(require.cache).some(file =>
        /[\\/]typescript[\\/]lib[\\/]typescript\.js$/.test(file),
      ),
    }),
  );
}

main().catch(error => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
