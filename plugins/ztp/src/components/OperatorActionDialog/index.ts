export { OperatorActionDialog } from './OperatorActionDialog';
