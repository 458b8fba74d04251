export { ciscoIosXeDriver } from './driver';
export {
  iosXeSerialFromInventory,
  iosXeSerialFromVersion,
  pickIosXeChassis,
} from './parseSerial';
