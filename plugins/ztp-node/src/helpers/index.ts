/*
 * Helpers that several platform packages share. They live in the node
 * library because platform modules may depend on it and on nothing of the
 * backend; each is here only because two or more platforms use it:
 *
 * - crypt, passwordHash: SHA-crypt (EOS, NX-OS, Junos) and Cisco type 9
 *   (IOS XE), also computed by the backend's worker threads;
 * - output, TerminalScreen: CLI output as a terminal shows it, which every
 *   parser reads (the backend's SSH session uses the same screen);
 * - ciscoInventory: `show inventory` of IOS XE and NX-OS;
 * - readConfig, softwareVersion: the running configuration and version
 *   commands of all four;
 * - bootstrapFiles: file names, scripts and door address of the bootstrap
 *   files (IOS XE, NX-OS, EOS, Junos);
 * - minimalConfig: the one minimal-configuration renderer (the backend
 *   serves what it renders; platform tests check the same output);
 * - keyLines: the IOS-style verification lines (IOS XE, NX-OS, EOS) and
 *   the command lines a push enters.
 */
export {
  CRYPT_ALPHABET,
  ciscoType9Hash,
  cryptBase64,
  loadFastShaCrypt,
  randomCryptSalt,
  shaCrypt,
  verifyShaCrypt,
} from './crypt';
export { hashPasswordWithScheme } from './passwordHash';
export { netmask, renderMinimalConfig } from './minimalConfig';
export type { MinimalConfigAccount } from './minimalConfig';
export { cliLines, isRejected, looksLikeSerial, runAndParse } from './output';
export { TerminalScreen } from './TerminalScreen';
export { parseCiscoInventory } from './ciscoInventory';
export type { CiscoInventoryEntry } from './ciscoInventory';
export { readConfigText } from './readConfig';
export { readSoftwareVersion } from './softwareVersion';
export {
  bareMac,
  deviceFileKey,
  deviceFileKeys,
  doorHost,
  doorPort,
  md5Hex,
  pythonString,
  PYTHON,
  TEXT,
} from './bootstrapFiles';
export { ciscoStyleKeyLines, commandLines } from './keyLines';
export { pythonDoorReport } from './pythonDoorReport';
export { pythonNormalizedVersion } from './pythonNormalizedVersion';
