export { SerialCorrection } from './SerialCorrection';
export type { SerialCorrectionRequest } from './SerialCorrection';
