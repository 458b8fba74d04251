export { ConfMinBadge } from './ConfMinBadge';
export { SerialBadge } from './SerialBadge';
export { ConfFinalBadge } from './ConfFinalBadge';
