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
