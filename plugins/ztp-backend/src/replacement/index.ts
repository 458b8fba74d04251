export { DeviceReplacement } from './DeviceReplacement';
export { ReplacementFollowUp } from './ReplacementFollowUp';
export {
  REPLACEMENT_JOB_HEARTBEAT_MS,
  ReplacementJobs,
} from './ReplacementJobs';
export { ReplacementJobStore } from './ReplacementJobStore';
export { ReplacementStore } from './ReplacementStore';
export { createReplacementRouter } from './router';
export { readReplacementSettings } from './settings';
export { setupReplacement } from './setupReplacement';
export type { ReplacementSettings } from './settings';
