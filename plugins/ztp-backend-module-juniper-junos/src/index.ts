/**
 * The Juniper Junos platform of the ZTP portal (EX, QFX, MX, SRX, PTX, ACX): a backend module
 * of the ztp plugin.
 *
 * @packageDocumentation
 */
export {
  ztpPlatformJuniperJunos as default,
  ztpModuleJuniperJunos,
  juniperJunosPlatformService,
} from './module';
export { juniperJunosDriver } from './driver';
export { junosSerialFromChassisHardware } from './parseSerial';
