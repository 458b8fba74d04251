export { PolledListContent } from './PolledListContent';
