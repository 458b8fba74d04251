import { parseArgs } from 'node:util';
import { deviceScriptSlots } from '../device/scriptSlots';
import { startFleet } from './startFleet';

const USAGE = `Usage: ztp-simulator --catalog <file> [--catalog <file>...] [options]

Starts one simulated network device per Resource of spec.type network-device
in the catalog files. Each boots, fetches its minimal configuration from the
provisioning server like its platform's ZTP agent, then answers SSH.

Options:
  --catalog <file>           Backstage catalog YAML (repeatable)
  --overrides <file>         Per-device behaviours (see README)
  --provisioning-url <url>   Default http://127.0.0.1:7080
  --only <names>             Comma-separated entity names to start (repeatable)
  --status-port <port>       Loopback JSON status endpoint, default 7090 (0 = off)
  --boot-delay-max-ms <ms>   Random boot delay upper bound, default 3000
  --script-slots <n>         Device scripts run at once, default 64
  --help                     Show this text
`;

/** The ztp-simulator command line; resolves when the fleet has stopped. */
export async function runSimulatorCli(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        catalog: { type: 'string', multiple: true },
        overrides: { type: 'string' },
        'provisioning-url': {
          type: 'string',
          default: 'http://127.0.0.1:7080',
        },
        only: { type: 'string', multiple: true },
        'status-port': { type: 'string', default: '7090' },
        'boot-delay-max-ms': { type: 'string', default: '3000' },
        'script-slots': { type: 'string', default: '64' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.catalog?.length) {
    process.stderr.write(`--catalog is required\n\n${USAGE}`);
    return 2;
  }
  try {
    deviceScriptSlots.resize(Number(values['script-slots']));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const statusPort = Number(values['status-port']);
  const fleet = await startFleet({
    catalogFiles: values.catalog,
    overridesFile: values.overrides,
    provisioningUrl: values['provisioning-url']!,
    only: values.only
      ?.flatMap(v => v.split(','))
      .map(v => v.trim())
      .filter(Boolean),
    statusPort: statusPort > 0 ? statusPort : undefined,
    bootDelayMaxMs: Number(values['boot-delay-max-ms']),
  });
  if (fleet.devices.length === 0) {
    process.stderr.write('No network devices to simulate.\n');
    await fleet.stop();
    return 1;
  }
  console.log(
    `Simulating ${fleet.devices.length} device(s); Ctrl-C stops them.`,
  );
  await new Promise<void>(resolve => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await fleet.stop();
  return 0;
}
