export { openDeviceCli } from './openDeviceCli';
export { mergeAlgorithms } from './sshAlgorithms';
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
