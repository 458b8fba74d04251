/**
 * Simulated network devices for ZTP: they boot, fetch their minimal
 * configuration like their platform's ZTP agent, and then serve a platform
 * CLI over SSH. Shares no code with the ZTP plugins on purpose.
 *
 * @packageDocumentation
 */
export { SimulatedDevice } from './device/SimulatedDevice';
export type {
  DeviceBehaviours,
  DeviceState,
  FetchRecord,
  LoginRecord,
  SimulatedDeviceOptions,
} from './device/types';
export type { PlatformId } from './platforms/types';
export { PLATFORM_IDS } from './platforms/types';
export { simulatedImage } from './device/ImageFlash';
export { listPlatforms } from './platforms';
export { startFleet } from './fleet/startFleet';
export type { Fleet, FleetOptions } from './fleet/startFleet';
export { readCatalogDevices } from './fleet/readCatalog';
export type { CatalogDevice } from './fleet/readCatalog';
export { readOverrides } from './fleet/readOverrides';
export type { DeviceOverride } from './fleet/readOverrides';
export { runSimulatorCli } from './fleet/runCli';
