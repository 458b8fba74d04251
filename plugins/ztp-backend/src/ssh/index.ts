export { openDeviceCli, mergeAlgorithms } from './openDeviceCli';
export type { OpenDeviceCliOptions, DeviceCliSession } from './openDeviceCli';
export {
  HostKeyMismatchError,
  SshAuthError,
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
} from './errors';
export { hostKeyFingerprint, normalizeKnownHostKey } from './hostKey';
