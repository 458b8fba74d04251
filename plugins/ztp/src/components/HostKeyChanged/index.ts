export { HostKeyChangedAlert } from './HostKeyChangedAlert';
