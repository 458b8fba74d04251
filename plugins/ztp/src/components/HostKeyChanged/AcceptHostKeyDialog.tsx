import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError, deviceLabel } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  keys: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(1, 2),
    margin: theme.spacing(2, 0),
    '& dd': { margin: 0, fontFamily: 'monospace', wordBreak: 'break-all' },
    '& dt': { color: theme.palette.text.secondary },
  },
}));

/**
 * Confirms "Accept the new host key": the pinned and the presented
 * fingerprints side by side, to compare with the device's own (e.g. `show
 * ssh server` on its console). Accepting pins the presented key and checks
 * the serial at once.
 */
export function AcceptHostKeyDialog(props: {
  device: ZtpDevice;
  /** The fingerprint the operator is shown, and accepts. */
  presented: string;
  onClose: () => void;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, presented, onClose, onDeviceUpdated } = props;
  const classes = useStyles();
  const api = useApi(ztpApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const accept = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.acceptHostKey(device.entityRef, presented);
      onDeviceUpdated(result.device);
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>
        Accept the new host key of {deviceLabel(device)}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Accept it only if the device was re-installed, zeroized or replaced,
          and the presented fingerprint is the one the device shows on its
          console. Otherwise something else may be answering at its address.
        </DialogContentText>
        <dl className={classes.keys}>
          <Typography component="dt" variant="body2">
            Pinned key
          </Typography>
          <Typography component="dd" variant="body2" data-testid="pinned-key">
            {device.serial.hostKeyFingerprint ?? 'none'}
          </Typography>
          <Typography component="dt" variant="body2">
            Presented key
          </Typography>
          <Typography
            component="dd"
            variant="body2"
            data-testid="presented-key"
          >
            {presented}
          </Typography>
        </dl>
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={accept}
          disabled={busy}
          startIcon={busy ? <CircularProgress size={16} /> : null}
        >
          Accept the new host key
        </Button>
      </DialogActions>
    </Dialog>
  );
}
