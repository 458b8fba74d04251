export { DeviceFlags, ReplaceDeviceButton } from './DeviceFlags';
export { DeviceReplacementPanel } from './DeviceReplacementPanel';
export { ReplaceDeviceDialog } from './ReplaceDeviceDialog';
export { ReplacementListCard } from './ReplacementListCard';
export { StuckDevicesCard } from './StuckDevicesCard';
