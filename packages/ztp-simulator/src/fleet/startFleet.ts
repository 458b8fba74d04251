import { rsaHostKeyPool } from '../device/hostKeys';
import { SimulatedDevice } from '../device/SimulatedDevice';
import { getPlatform } from '../platforms';
import type { DeviceState, FetchRecord, LoginRecord } from '../device/types';
import { readCatalogDevices } from './readCatalog';
import { type DeviceOverride, readOverrides } from './readOverrides';
import { DoorWait } from './DoorWait';
import { startStatusServer } from './statusServer';

/** RSA host keys a fleet's devices share (see rsaHostKeyPool). */
const RSA_HOST_KEYS_PER_FLEET = 8;

export type FleetOptions = {
  catalogFiles: string[];
  overridesFile?: string;
  provisioningUrl: string;
  /** Entity names to start; all devices when omitted. */
  only?: string[];
  /** Upper bound of the random delay before each device boots. Default 3000. */
  bootDelayMaxMs?: number;
  /** Port of the loopback status endpoint; undefined starts none. */
  statusPort?: number;
  /** First retry delay of the ZTP agents (default 1000 ms). */
  fetchRetryMs?: number;
  fetchRetryMaxMs?: number;
  /** Where log lines go (default console.log). */
  log?: (line: string) => void;
};

export type Fleet = {
  devices: SimulatedDevice[];
  /** Catalog entries that were skipped, and why. */
  problems: string[];
  statusUrl?: string;
  stop(): Promise<void>;
};

/**
 * Starts one simulated device per network device of the catalog files,
 * each booting after a small random delay, and logs what they do.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { devices: declared, problems } = await readCatalogDevices(
    options.catalogFiles,
  );
  const overrides: Record<string, DeviceOverride> = options.overridesFile
    ? await readOverrides(options.overridesFile)
    : {};
  const names = new Set(declared.map(d => d.name));
  for (const name of Object.keys(overrides)) {
    if (!names.has(name))
      problems.push(`overrides: no catalog device is named ${name}`);
  }
  for (const name of options.only ?? []) {
    if (!names.has(name))
      problems.push(`--only: no catalog device is named ${name}`);
  }
  const selected = options.only?.length
    ? declared.filter(d => options.only!.includes(d.name))
    : declared;

  const maxDelay = options.bootDelayMaxMs ?? 3000;
  // Each box's Ed25519 key is its own; RSA keys come from a few.
  const sharedRsaHostKeys = rsaHostKeyPool(RSA_HOST_KEYS_PER_FLEET);
  const devices: SimulatedDevice[] = [];
  for (const entry of selected) {
    const override = overrides[entry.name] ?? {};
    try {
      devices.push(
        new SimulatedDevice({
          name: entry.name,
          platform: entry.platform,
          managementIp: entry.managementIp,
          sshPort: override.sshPort ?? entry.sshPort ?? 22,
          macAddress: entry.macAddress,
          hostname: entry.hostname,
          realSerial: override.realSerial ?? entry.declaredSerial,
          // The hardware the catalog declares, where the simulator has it.
          model:
            override.model ??
            (entry.model &&
            getPlatform(entry.platform).models.includes(entry.model)
              ? entry.model
              : undefined),
          provisioningUrl: options.provisioningUrl,
          bootDelayMs:
            override.bootDelayMs ?? Math.round(Math.random() * maxDelay),
          fetchRetryMs: options.fetchRetryMs,
          fetchRetryMaxMs: options.fetchRetryMaxMs,
          slowMs: override.slowMs,
          unreachable: override.unreachable,
          refusePassword: override.refusePassword,
          shellOnly: override.shellOnly,
          legacyAlgorithms: override.legacyAlgorithms,
          keyboardInteractive: override.keyboardInteractive,
          dropAfterConfigLines: override.dropAfterConfigLines,
          flashFreeBytes: override.flashFreeBytes,
          corruptImageDownloads: override.corruptImageDownloads,
          sharedRsaHostKeys,
        }),
      );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  for (const problem of problems) log(`warning: ${problem}`);
  const door = new DoorWait(options.provisioningUrl, log);
  for (const device of devices) attachLogging(device, log, door);

  const status =
    options.statusPort === undefined
      ? undefined
      : await startStatusServer(() => devices, options.statusPort);
  if (status) log(`status endpoint: ${status.url}/devices`);

  await Promise.all(devices.map(d => d.powerOn()));
  return {
    devices,
    problems,
    statusUrl: status?.url,
    stop: async () => {
      await Promise.all(devices.map(d => d.powerOff()));
      await status?.close();
    },
  };
}

function attachLogging(
  device: SimulatedDevice,
  log: (line: string) => void,
  door: DoorWait,
): void {
  const who = `${device.name} (${device.platform.id} ${device.managementIp})`;
  const line = (text: string) =>
    log(`${new Date().toISOString()} ${who}: ${text}`);
  device.on('state', (state: DeviceState) => line(state));
  device.on('fetch', (f: FetchRecord) => {
    if (door.refused(f)) return;
    if (f.status !== undefined) door.answered();
    line(`GET ${f.url} -> ${f.status ?? `failed (${f.error})`}`);
  });
  device.on('config-rejected', (errors: string[]) =>
    line(`rejected the configuration: ${errors.join('; ')}`),
  );
  device.on('listening', (port: number) =>
    line(`SSH listening on ${device.managementIp}:${port}`),
  );
  device.on('failure', (error: Error) => line(`error: ${error.message}`));
  device.on('login', (l: LoginRecord) =>
    line(
      `login ${l.accepted ? 'accepted' : 'refused'} for ${l.username} (${
        l.method
      }) from ${l.remoteAddress}`,
    ),
  );
  device.on('config-committed', (e: { by: string }) =>
    line(`configuration changed by ${e.by}`),
  );
  device.on('config-rolled-back', (e: { reason: string }) =>
    line(`configuration rolled back: ${e.reason}`),
  );
  device.on('connection-dropped', (reason: string) =>
    line(`connection dropped: ${reason}`),
  );
}
