export {
  CRYPT_ALPHABET,
  ciscoType9Hash,
  cryptBase64,
  randomCryptSalt,
  shaCrypt,
  verifyShaCrypt,
} from './crypt';
export {
  createTemplateEnvironment,
  netmask,
  renderMinimalConfig,
} from './render';
export type { MinimalConfigAccount } from './render';
export { cliLines, isRejected, looksLikeSerial } from './output';
export { parseCiscoInventory } from './ciscoInventory';
export type { CiscoInventoryEntry } from './ciscoInventory';
export { readConfigText } from './readConfig';
export {
  bareMac,
  deviceFileKey,
  deviceFileKeys,
  doorHost,
  doorPort,
  md5Hex,
  pythonString,
  reportToken,
  PYTHON,
  TEXT,
} from './bootstrap';
