export { juniperJunosDriver } from './driver';
export { junosSerialFromChassisHardware } from './parseSerial';
