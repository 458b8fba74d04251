export { openDeviceCli, mergeAlgorithms } from './openDeviceCli';
export type { OpenDeviceCliOptions, DeviceCliSession } from './openDeviceCli';
export {
  HostKeyMismatchError,
  presentedHostKeyOf,
  SshAuthError,
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
} from './errors';
export { hostKeyFingerprint, normalizeKnownHostKey } from './hostKey';
