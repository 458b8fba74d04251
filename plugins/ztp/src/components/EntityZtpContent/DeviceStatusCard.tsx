import { useState } from 'react';
import { CopyTextButton, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  type ZtpDevice,
  type ZtpSerialCheckResult,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError, formatDateTime } from '../../lib/format';
import { ConfFinalBadge, ConfMinBadge, SerialBadge } from '../StatusBadges';
import { ImageBadge, ImageUpgradeButton } from '../ImageStatus';
import { usePlatformDisplayName } from '../../hooks/usePlatformDisplayName';

const useStyles = makeStyles(theme => ({
  stages: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    alignItems: 'center',
    gap: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    '& dd': {
      margin: 0,
      wordBreak: 'break-all',
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(0.5),
    },
    '& dt': { color: theme.palette.text.secondary },
  },
  mono: { fontFamily: 'monospace' },
}));

type Outcome = {
  severity: 'success' | 'warning' | 'info' | 'error';
  message: string;
};

/** Says what a Check Serial Now found. */
function describeCheck(result: ZtpSerialCheckResult): Outcome {
  const { device } = result;
  if (result.loggedIn === false) {
    return {
      severity: 'info',
      message: `Not checked again: ${result.reason}.`,
    };
  }
  if (result.outcome === 'checked') {
    return {
      severity: 'success',
      message: 'Serial Checked: the device is identified.',
    };
  }
  if (result.outcome === 'mismatch') {
    return {
      severity: 'warning',
      message: `Mismatch: the device presents ${
        device.serial.presentedSerial ?? 'another serial'
      }, while ${device.expectedSerial} is expected.`,
    };
  }
  return {
    severity: 'info',
    message: `The serial could not be checked${
      result.reason ? `: ${result.reason}` : ''
    }.`,
  };
}

/**
 * The device's three stages with their badges, what the portal knows about
 * it, and Check Serial Now.
 */
export function DeviceStatusCard(props: {
  device: ZtpDevice;
  canUpdateSerial: boolean;
  onFix: () => void;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, canUpdateSerial, onFix, onDeviceUpdated } = props;
  const classes = useStyles();
  const api = useApi(ztpApiRef);
  const platformDisplayName = usePlatformDisplayName();
  const [checking, setChecking] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const checkNow = async () => {
    setChecking(true);
    setOutcome(undefined);
    try {
      const result = await api.checkSerial(device.entityRef);
      onDeviceUpdated(result.device);
      setOutcome(describeCheck(result));
    } catch (e) {
      setOutcome({ severity: 'error', message: describeError(e) });
    } finally {
      setChecking(false);
    }
  };

  // Conf Final removed the bootstrap account: nothing logs in any more.
  const provisioned = device.confFinal.state === 'pushed';
  const facts: [string, string | undefined, boolean?][] = [
    [
      'Expected serial',
      device.expectedSerial + (device.serialTemporary ? ' (temporary)' : ''),
      true,
    ],
    ['Presented serial', device.serial.presentedSerial, true],
    ['Platform', platformDisplayName(device.platform)],
    ['Site', device.site],
    ['Role', device.role],
    ['Management address', device.managementAddress, true],
    ['Default gateway', device.defaultGateway, true],
    ['SSH port', String(device.sshPort)],
    ['MAC address', device.macAddress, true],
    ['Hostname', device.hostname],
    [
      'Local account',
      provisioned
        ? `${device.localUsername} (removed by Conf Final)`
        : device.localUsername,
      true,
    ],
    [
      'Last serial check',
      device.serial.checkedAt && formatDateTime(device.serial.checkedAt),
    ],
    [
      'Check attempts',
      device.serial.attempts ? String(device.serial.attempts) : undefined,
    ],
    [
      'Why not checked',
      device.serial.state === 'not-checked' ? device.serial.reason : undefined,
    ],
    ['Host key', device.serial.hostKeyFingerprint, true],
  ];

  return (
    <InfoCard title="ZTP status">
      <div className={classes.stages}>
        <Typography variant="body2">Conf Min</Typography>
        <div>
          <ConfMinBadge confMin={device.confMin} />
        </div>
        <Typography variant="body2">Serial</Typography>
        <div>
          <SerialBadge
            serial={device.serial}
            onFix={canUpdateSerial ? onFix : undefined}
          />
        </div>
        <Typography variant="body2">Image</Typography>
        <div>
          <ImageBadge device={device} />
          <ImageUpgradeButton device={device} />
        </div>
        <Typography variant="body2">Conf Final</Typography>
        <div>
          <ConfFinalBadge confFinal={device.confFinal} />
        </div>
      </div>
      <dl className={classes.facts}>
        {facts
          .filter(([, value]) => value)
          .map(([label, value, mono]) => (
            <Box key={label} display="contents">
              <Typography component="dt" variant="body2">
                {label}
              </Typography>
              <Typography
                component="dd"
                variant="body2"
                className={mono ? classes.mono : undefined}
              >
                {value}
                {label === 'Presented serial' && value && (
                  <CopyTextButton
                    variant="tertiary"
                    text={value}
                    aria-label="Copy presented serial"
                  />
                )}
              </Typography>
            </Box>
          ))}
      </dl>
      {canUpdateSerial && (
        <Box mt={2}>
          <Button
            variant="outlined"
            color="primary"
            onClick={checkNow}
            disabled={
              checking ||
              device.serial.checking ||
              !device.inCatalog ||
              provisioned
            }
            startIcon={checking ? <CircularProgress size={16} /> : null}
          >
            {checking ? 'Checking Serial…' : 'Check Serial Now'}
          </Button>
          {provisioned && (
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="check-disabled-reason"
            >
              Provisioned: the portal no longer logs in to this device (its
              bootstrap account was removed and it holds no password of the
              final configuration's accounts).
            </Typography>
          )}
        </Box>
      )}
      {outcome && (
        <Alert severity={outcome.severity} style={{ marginTop: 16 }}>
          {outcome.message}
        </Alert>
      )}
    </InfoCard>
  );
}
