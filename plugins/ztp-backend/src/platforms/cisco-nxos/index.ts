export { ciscoNxosDriver } from './driver';
export { nxosSerialFromInventory, nxosSerialFromVersion } from './parseSerial';
