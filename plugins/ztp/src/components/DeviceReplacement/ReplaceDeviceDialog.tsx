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

/**
 * Replace device (RMA): the new box's serial and MAC, either left empty to
 * be learned (the serial from the box's ZTP request or SSH check; the MAC
 * stays the declared one).
 */
export function ReplaceDeviceDialog(props: {
  device: ZtpDevice;
  onClose: () => void;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, onClose, onDeviceUpdated } = props;
  const client = useReplacementClient();
  const [newSerial, setNewSerial] = useState('');
  const [newMacAddress, setNewMacAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const replace = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await client.replaceDevice(device.entityRef, {
        ...(newSerial.trim() && { newSerial: newSerial.trim() }),
        ...(newMacAddress.trim() && { newMacAddress: newMacAddress.trim() }),
      });
      onDeviceUpdated(updated);
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Replace {deviceLabel(device)}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The device keeps its entity, timeline and variables. It gets a new
          local account, its pinned SSH host key is cleared, and it goes back to
          Conf Min Not Loaded until the new box boots. The old box's serial is{' '}
          {device.expectedSerial}
          {device.macAddress ? `, its MAC ${device.macAddress}` : ''}.
        </DialogContentText>
        <TextField
          label="New Serial"
          value={newSerial}
          onChange={e => setNewSerial(e.target.value)}
          helperText="Empty: learned from the new box's ZTP request or SSH check"
          fullWidth
          margin="normal"
          disabled={busy}
          inputProps={{ 'aria-label': 'New Serial' }}
        />
        <TextField
          label="New MAC"
          value={newMacAddress}
          onChange={e => setNewMacAddress(e.target.value)}
          helperText="Empty: the declared MAC stays"
          fullWidth
          margin="normal"
          disabled={busy}
          inputProps={{ 'aria-label': 'New MAC' }}
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
          onClick={replace}
          disabled={busy}
          startIcon={busy ? <CircularProgress size={16} /> : undefined}
        >
          Replace device
        </Button>
      </DialogActions>
    </Dialog>
  );
}
