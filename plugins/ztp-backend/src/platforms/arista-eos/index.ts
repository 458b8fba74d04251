export { aristaEosDriver } from './driver';
export { eosSerialFromInventory, eosSerialFromVersion } from './parseSerial';
