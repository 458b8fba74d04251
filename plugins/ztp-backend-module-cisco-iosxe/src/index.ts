/**
 * The Cisco IOS XE platform of the ZTP portal (Catalyst 9000/3650/3850, ISR, ASR 1000, Catalyst 8000): a backend module
 * of the ztp plugin.
 *
 * @packageDocumentation
 */
export {
  ztpPlatformCiscoIosXe as default,
  ztpModuleCiscoIosXe,
  ciscoIosXePlatformService,
} from './module';
export { ciscoIosXeDriver } from './driver';
export {
  iosXeSerialFromInventory,
  iosXeSerialFromVersion,
  pickIosXeChassis,
} from './parseSerial';
