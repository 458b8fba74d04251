import { aristaEosPush } from './arista-eos';
import { ciscoIosXePush } from './cisco-iosxe';
import { ciscoNxosPush } from './cisco-nxos';
import { juniperJunosPush } from './juniper-junos';
import type { PushProcedure } from './types';

export { pushFinalConfig } from './runPush';
export type { PushOutcome } from './runPush';
export type { PushProcedure, PushSession, PushContext } from './types';

/** The push procedures of the built-in platforms. */
export const builtinPushProcedures: PushProcedure[] = [
  aristaEosPush,
  ciscoIosXePush,
  ciscoNxosPush,
  juniperJunosPush,
];
