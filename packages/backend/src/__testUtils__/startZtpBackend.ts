/*
 * A backend with the ZTP plugin in its own process, started the way
 * src/index.ts starts the real one, for the test that a failed start ends
 * the process. Run with Backstage's TypeScript loader:
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs startZtpBackend.ts <config.json>
 */
import fs from 'node:fs';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import ztpPlugin from '@ztp-portal/backstage-plugin-ztp-backend';
import { exitOnStartFailure } from '../exitOnStartFailure';

const data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

void exitOnStartFailure(async () => {
  await startTestBackend({
    features: [ztpPlugin, mockServices.rootConfig.factory({ data })],
  });
  process.stdout.write('started\n');
});
