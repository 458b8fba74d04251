import { useState, type ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { describeError } from '../../lib/format';

/**
 * The frame of an operator's action on one device: a dialog whose confirm
 * button runs `onConfirm` with a spinner, closes when it succeeds, and shows
 * its error otherwise. It cannot be closed while the action runs; `children`
 * gets `busy` to disable its own fields meanwhile.
 */
export function OperatorActionDialog(props: {
  title: ReactNode;
  confirmLabel: string;
  /** False while the fields do not make a request yet. */
  canConfirm?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children: (busy: boolean) => ReactNode;
}) {
  const { title, confirmLabel, canConfirm = true, onConfirm, onClose } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {props.children(busy)}
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={confirm}
          disabled={busy || !canConfirm}
          startIcon={busy ? <CircularProgress size={16} /> : undefined}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
