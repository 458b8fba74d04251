/**
 * The Arista EOS platform of the ZTP portal (7000 series switches): a backend module
 * of the ztp plugin.
 *
 * @packageDocumentation
 */
export {
  ztpPlatformAristaEos as default,
  ztpModuleAristaEos,
  aristaEosPlatformService,
} from './module';
export { aristaEosDriver } from './driver';
export { eosSerialFromInventory, eosSerialFromVersion } from './parseSerial';
