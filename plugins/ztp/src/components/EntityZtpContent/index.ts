export { EntityZtpContent, ZtpDeviceContent } from './EntityZtpContent';
export type { ZtpDeviceContentProps } from './EntityZtpContent';
