export { OnDemandTooltip } from './OnDemandTooltip';
