import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { deviceLabel } from '../../lib/format';
import { OperatorActionDialog } from '../OperatorActionDialog';
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

  const replace = async () => {
    const updated = await client.replaceDevice(device.entityRef, {
      ...(newSerial.trim() && { newSerial: newSerial.trim() }),
      ...(newMacAddress.trim() && { newMacAddress: newMacAddress.trim() }),
    });
    onDeviceUpdated(updated);
  };

  return (
    <OperatorActionDialog
      title={<>Replace {deviceLabel(device)}</>}
      confirmLabel="Replace device"
      onConfirm={replace}
      onClose={onClose}
    >
      {busy => (
        <>
          <DialogContentText>
            The device keeps its entity, timeline and variables. It gets a new
            local account, its pinned SSH host key is cleared, and it goes back
            to Conf Min Not Loaded until the new box boots. The old box's serial
            is {device.expectedSerial}
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
        </>
      )}
    </OperatorActionDialog>
  );
}
