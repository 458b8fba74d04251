export {
  managementNetworkRefusal,
  openQueuedDeviceSession,
  OutsideManagementNetworksError,
} from './openQueuedDeviceSession';
export type { OpenDeviceCli } from './openQueuedDeviceSession';
