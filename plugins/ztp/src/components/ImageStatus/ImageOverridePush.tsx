import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import {
  ztpImageOverridePermission,
  type ZtpDevice,
  type ZtpImageCompliance,
  type ZtpPushResult,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError, deviceLabel } from '../../lib/format';

/**
 * "Push anyway (override image)": Conf Final (Push) of a device whose image
 * is not its approved one, after a confirmation, for an operator with
 * ztp.image.override (the server checks it again and audits the override).
 * Renders nothing for an operator without the permission.
 */
export function ImageOverridePush(props: {
  device: ZtpDevice;
  /** The device's compliance: only Upgrade needed is overridden. */
  image: ZtpImageCompliance;
  disabled?: boolean;
  onPushed: (result: ZtpPushResult) => void;
}) {
  const { device, image, disabled, onPushed } = props;
  const api = useApi(ztpApiRef);
  const permission = usePermission({ permission: ztpImageOverridePermission });
  const [confirming, setConfirming] = useState(false);
  const [pushing, setPushing] = useState(false);
  const [error, setError] = useState<string>();
  if (permission.loading || !permission.allowed) return null;
  if (image?.state !== 'upgrade-needed') return null;
  const name = deviceLabel(device);

  const push = async () => {
    setPushing(true);
    setError(undefined);
    try {
      const result = await api.pushFinalConfig(device.entityRef, {
        overrideImage: true,
      });
      setConfirming(false);
      onPushed(result);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPushing(false);
    }
  };

  return (
    <>
      <Button
        variant="outlined"
        color="secondary"
        disabled={disabled}
        onClick={() => {
          setError(undefined);
          setConfirming(true);
        }}
      >
        Push anyway (override image)
      </Button>
      <Dialog
        open={confirming}
        onClose={pushing ? undefined : () => setConfirming(false)}
        aria-labelledby="ztp-image-override-title"
      >
        <DialogTitle id="ztp-image-override-title">
          Push anyway to {name}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            {name} runs {image.running}, not the approved image {image.approved}
            . Conf Final (Push) deploys the full production configuration on the
            image it runs now. The override is recorded in the timeline and the
            audit log under your name.
          </DialogContentText>
          {error && <Alert severity="error">{error}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} disabled={pushing}>
            Cancel
          </Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={push}
            disabled={pushing}
            startIcon={pushing ? <CircularProgress size={16} /> : null}
          >
            Push anyway
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
