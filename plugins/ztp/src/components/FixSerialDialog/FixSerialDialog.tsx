import { FormEvent, useState } from 'react';
import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Divider from '@material-ui/core/Divider';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  validateSerial,
  type ZtpDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError, deviceLabel } from '../../lib/format';
import { SerialBadge } from '../StatusBadges';
import { LocalAccount } from './LocalAccount';

const useStyles = makeStyles(theme => ({
  serials: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    alignItems: 'center',
    columnGap: theme.spacing(2),
  },
  serial: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontFamily: 'monospace',
    fontSize: theme.typography.body1.fontSize,
    minHeight: 36,
  },
  section: { margin: theme.spacing(2, 0) },
}));

/** @public */
export type FixSerialDialogProps = {
  open: boolean;
  /** The device as it is now; live updates may replace it while open. */
  device: ZtpDevice;
  /** Shows the Reveal button of the local account's password. */
  canRevealCredentials: boolean;
  onClose: () => void;
  /** The device as the backend returned it after a Check Serial. */
  onDeviceUpdated?: (device: ZtpDevice) => void;
};

type Outcome = { severity: 'warning' | 'error' | 'info'; message: string };

/**
 * The serial mismatch modal: the Wrong serial (declared) beside the serial
 * the device presented, the local account to connect with, and the New Serial
 * field with Check Serial. A check that succeeds closes the dialog; one that
 * still differs keeps it open with both values; an error is said in words.
 * @public
 */
export function FixSerialDialog(props: FixSerialDialogProps) {
  const { open, device, canRevealCredentials, onClose, onDeviceUpdated } =
    props;
  const classes = useStyles();
  const api = useApi(ztpApiRef);
  const [newSerial, setNewSerial] = useState('');
  const [touched, setTouched] = useState(false);
  const [checking, setChecking] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const problem = validateSerial(newSerial);
  const showProblem = touched && problem !== undefined;

  const checkSerial = async (event?: FormEvent) => {
    event?.preventDefault();
    setTouched(true);
    if (problem || checking) return;
    setChecking(true);
    setOutcome(undefined);
    try {
      const result = await api.updateSerial(
        device.entityRef,
        newSerial.trim(),
        device.expectedSerial,
      );
      onDeviceUpdated?.(result.device);
      if (result.outcome === 'checked') {
        onClose();
        return;
      }
      const presented = result.device.serial.presentedSerial;
      setOutcome(
        result.outcome === 'mismatch'
          ? {
              severity: 'warning',
              message: `Still a mismatch: the device presents ${
                presented ?? 'another serial'
              }, while ${result.device.expectedSerial} is now expected.${
                result.reason ? ` ${result.reason}` : ''
              }`,
            }
          : {
              severity: 'info',
              message: `The expected serial is now ${
                result.device.expectedSerial
              }, but the device could not be checked${
                result.reason ? `: ${result.reason}` : ''
              }. It will be checked again.`,
            },
      );
    } catch (e) {
      setOutcome({ severity: 'error', message: describeError(e) });
    } finally {
      setChecking(false);
    }
  };

  const presented = device.serial.presentedSerial;
  return (
    <Dialog
      open={open}
      onClose={checking ? undefined : onClose}
      maxWidth="sm"
      fullWidth
      aria-labelledby="ztp-fix-serial-title"
    >
      <form onSubmit={checkSerial} noValidate>
        <DialogTitle id="ztp-fix-serial-title">
          Serial mismatch: {deviceLabel(device)}
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="textSecondary" paragraph>
            The device is accessible via SSH but the serial number it presents
            does not match the expected one. Connect to the device with the
            local account below and verify the serial number of the device that
            was installed. If it is the right device, enter its serial as the
            New Serial and click Check Serial.
          </Typography>

          <div className={classes.serials}>
            <Typography variant="body2" color="textSecondary">
              Wrong serial (declared)
            </Typography>
            <div className={classes.serial} data-testid="wrong-serial">
              {device.expectedSerial}
              <CopyTextButton
                variant="tertiary"
                text={device.expectedSerial}
                aria-label="Copy wrong serial"
              />
            </div>
            <Typography variant="body2" color="textSecondary">
              Serial presented by the device
            </Typography>
            <div className={classes.serial} data-testid="presented-serial">
              {presented ?? (
                <Typography variant="body2" color="textSecondary">
                  not known yet
                </Typography>
              )}
              {presented && (
                <CopyTextButton
                  variant="tertiary"
                  text={presented}
                  aria-label="Copy presented serial"
                />
              )}
            </div>
            <Typography variant="body2" color="textSecondary">
              Serial
            </Typography>
            <div className={classes.serial}>
              <SerialBadge serial={device.serial} />
            </div>
          </div>

          <Divider className={classes.section} />
          <LocalAccount device={device} canReveal={canRevealCredentials} />
          <Divider className={classes.section} />

          <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
            <TextField
              id="ztp-new-serial"
              label="New Serial"
              value={newSerial}
              onChange={e => {
                setNewSerial(e.target.value);
                setTouched(true);
              }}
              error={showProblem}
              helperText={
                showProblem
                  ? problem
                  : 'The serial number of the device that was installed'
              }
              variant="outlined"
              size="small"
              fullWidth
              disabled={checking}
              inputProps={{ spellCheck: false, autoComplete: 'off' }}
            />
            {presented && (
              <Button
                size="small"
                style={{ marginTop: 6, whiteSpace: 'nowrap' }}
                onClick={() => {
                  setNewSerial(presented);
                  setTouched(true);
                }}
                disabled={checking}
              >
                Use presented
              </Button>
            )}
          </Box>

          {device.serial.state === 'checked' && !outcome && (
            <Alert severity="success" style={{ marginTop: 16 }}>
              The serial is now Checked: the device is identified.
            </Alert>
          )}
          {outcome && (
            <Alert
              severity={outcome.severity}
              style={{ marginTop: 16 }}
              role="alert"
            >
              {outcome.message}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={checking}>
            Close
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={checking || problem !== undefined}
            startIcon={
              checking ? <CircularProgress size={16} color="inherit" /> : null
            }
          >
            {checking ? 'Checking Serial…' : 'Check Serial'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
