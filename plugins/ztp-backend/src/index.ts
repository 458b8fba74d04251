/**
 * The ZTP backend plugin: provisioning server, ZTP queue, SSH serial checks,
 * and the catalog and scaffolder modules that go with it.
 *
 * @packageDocumentation
 */
export { ztpPlugin as default } from './plugin';
export { catalogModuleZtpDevices } from './catalog';
export { scaffolderModuleZtp } from './scaffolder';
export {
  serialCorrectionSourceServiceRef,
  ZtpBackendSerialCorrectionSource,
} from './catalog';
export type { SerialCorrectionInfo, SerialCorrectionSource } from './catalog';
