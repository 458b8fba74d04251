export { HostKeyAcceptance } from './HostKeyAcceptance';
