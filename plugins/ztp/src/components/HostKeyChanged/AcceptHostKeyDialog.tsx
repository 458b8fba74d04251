import { useApi } from '@backstage/frontend-plugin-api';
import DialogContentText from '@material-ui/core/DialogContentText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { deviceLabel } from '../../lib/format';
import { OperatorActionDialog } from '../OperatorActionDialog';

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

  const accept = async () => {
    const result = await api.acceptHostKey(device.entityRef, presented);
    onDeviceUpdated(result.device);
  };

  return (
    <OperatorActionDialog
      title={<>Accept the new host key of {deviceLabel(device)}?</>}
      confirmLabel="Accept the new host key"
      onConfirm={accept}
      onClose={onClose}
    >
      {() => (
        <>
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
        </>
      )}
    </OperatorActionDialog>
  );
}
