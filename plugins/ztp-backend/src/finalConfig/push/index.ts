export { pushFinalConfig } from './runPush';
export type { PushOutcome } from './runPush';
export type { PushSession } from './types';
