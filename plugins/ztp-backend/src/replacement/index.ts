export { DeviceReplacement } from './DeviceReplacement';
export { ReplacementFollowUp } from './ReplacementFollowUp';
export { ReplacementJobs } from './ReplacementJobs';
export { ReplacementStore } from './ReplacementStore';
export { createReplacementRouter } from './router';
export { readReplacementSettings } from './settings';
export { setupReplacement } from './setupReplacement';
export type { ReplacementSettings } from './settings';
