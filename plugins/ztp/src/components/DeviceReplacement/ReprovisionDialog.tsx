import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { deviceLabel } from '../../lib/format';
import { OperatorActionDialog } from '../OperatorActionDialog';
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

  return (
    <OperatorActionDialog
      title={<>Re-provision {deviceLabel(device)}</>}
      confirmLabel="Re-provision"
      canConfirm={!!reason.trim()}
      onConfirm={async () =>
        onDeviceUpdated(
          await client.reprovisionDevice(device.entityRef, reason.trim()),
        )
      }
      onClose={onClose}
    >
      {busy => (
        <>
          <DialogContentText>
            For a device that was zeroized or reinstalled, or stopped half-way:
            it goes back to Conf Min Not Loaded with a new local account and no
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
        </>
      )}
    </OperatorActionDialog>
  );
}
