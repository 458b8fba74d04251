/**
 * The Cisco NX-OS platform of the ZTP portal (Nexus 3000/5000/7000/9000): a backend module
 * of the ztp plugin.
 *
 * @packageDocumentation
 */
export {
  ztpPlatformCiscoNxos as default,
  ztpModuleCiscoNxos,
  ciscoNxosPlatformService,
} from './module';
export { ciscoNxosDriver } from './driver';
export { nxosSerialFromInventory, nxosSerialFromVersion } from './parseSerial';
