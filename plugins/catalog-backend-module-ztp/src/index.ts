/**
 * The catalog's ZTP module: validates network devices' ZTP annotations (with
 * the rules of the installed platforms), finds values two devices share,
 * reports refused declarations to the ZTP backend and puts operators'
 * serial corrections on the entities.
 *
 * @packageDocumentation
 */
export { catalogModuleZtpDevices as default } from './module';
export { catalogModuleZtpDevices } from './module';
export { ZtpDeviceProcessor } from './ZtpDeviceProcessor';
export type { ZtpDeviceProcessorOptions } from './ZtpDeviceProcessor';
export {
  serialCorrectionSourceServiceRef,
  ZtpBackendSerialCorrectionSource,
} from './SerialCorrectionSource';
export type {
  SerialCorrectionInfo,
  SerialCorrectionSource,
} from './SerialCorrectionSource';
export {
  declarationProblemReporterServiceRef,
  ZtpBackendDeclarationProblemReporter,
} from './DeclarationProblemReporter';
export type {
  DeclarationProblemReporter,
  DeclarationReport,
} from './DeclarationProblemReporter';
