export { UnknownDevicesCard } from './UnknownDevicesCard';
export type { UnknownDevicesCardProps } from './UnknownDevicesCard';
export { UNKNOWN_DEVICES_POLL_INTERVAL_MS } from './useUnknownDevices';
