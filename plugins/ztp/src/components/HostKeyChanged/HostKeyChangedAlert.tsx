import { useState } from 'react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  ztpHostKeyAcceptPermission,
  type ZtpDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { AcceptHostKeyDialog } from './AcceptHostKeyDialog';

/**
 * Shown on a device's ZTP tab while the device presents another SSH host
 * key than the pinned one: both fingerprints, and for operators "Accept the
 * new host key". Renders nothing otherwise.
 */
export function HostKeyChangedAlert(props: {
  device: ZtpDevice;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, onDeviceUpdated } = props;
  const { loading, allowed } = usePermission({
    permission: ztpHostKeyAcceptPermission,
  });
  const [accepting, setAccepting] = useState(false);
  const presented = device.serial.presentedHostKeyFingerprint;
  if (!presented) return null;

  return (
    <>
      <Alert
        severity="warning"
        action={
          !loading && allowed ? (
            <Button
              color="inherit"
              size="small"
              onClick={() => setAccepting(true)}
            >
              Accept the new host key
            </Button>
          ) : undefined
        }
      >
        <AlertTitle>Host key changed</AlertTitle>
        The device presents another SSH host key than the one pinned at first
        contact: serial checks and Conf Final (Push) stop until an operator
        accepts it. Pinned <code>{device.serial.hostKeyFingerprint}</code>,
        presented <code>{presented}</code>.
      </Alert>
      {accepting && (
        <AcceptHostKeyDialog
          device={device}
          presented={presented}
          onClose={() => setAccepting(false)}
          onDeviceUpdated={onDeviceUpdated}
        />
      )}
    </>
  );
}
