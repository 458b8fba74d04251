export { FixSerialDialog } from './FixSerialDialog';
export type { FixSerialDialogProps } from './FixSerialDialog';
