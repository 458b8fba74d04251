import { useState } from 'react';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { describeError, deviceLabel } from '../../lib/format';
import { useReplacementClient } from './useReplacement';

/** Re-provision: the device goes through ZTP again, for a reason the timeline keeps. */
export function ReprovisionDialog(props: {
  device: ZtpDevice;
  onClose: () => void;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, onClose, onDeviceUpdated } = props;
  const client = useReplacementClient();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const reprovision = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDeviceUpdated(
        await client.reprovisionDevice(device.entityRef, reason.trim()),
      );
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Re-provision {deviceLabel(device)}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          For a device that was zeroized or reinstalled, or stopped half-way: it
          goes back to Conf Min Not Loaded with a new local account and no
          pinned host key, and boots through ZTP again.
        </DialogContentText>
        <TextField
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          helperText="Kept in the device's timeline"
          fullWidth
          multiline
          margin="normal"
          disabled={busy}
          inputProps={{ 'aria-label': 'Reason', maxLength: 500 }}
        />
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
          onClick={reprovision}
          disabled={busy || !reason.trim()}
          startIcon={busy ? <CircularProgress size={16} /> : undefined}
        >
          Re-provision
        </Button>
      </DialogActions>
    </Dialog>
  );
}
