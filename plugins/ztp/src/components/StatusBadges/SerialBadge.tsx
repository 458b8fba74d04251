import CircularProgress from '@material-ui/core/CircularProgress';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import SettingsIcon from '@material-ui/icons/Settings';
import type {
  SerialState,
  ZtpDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime } from '../../lib/format';
import { OnDemandTooltip } from '../OnDemandTooltip';
import { StatusChip, type StatusTone } from './StatusChip';

// A static class, not a Box: a Box adds a style rule to the page per
// instance, and the browser recomputes every element's style each time.
const useStyles = makeStyles({
  badge: { display: 'flex', alignItems: 'center', gap: 2 },
  progress: { marginLeft: 4 },
});

const LOOKS: Record<SerialState, [string, StatusTone]> = {
  'not-checked': ['Not Checked', 'neutral'],
  mismatch: ['Mismatch', 'error'],
  checked: ['Checked', 'ok'],
};

function describe(serial: ZtpDevice['serial']): string {
  switch (serial.state) {
    case 'checked':
      return `The device is identified${
        serial.checkedAt ? ` (checked ${formatDateTime(serial.checkedAt)})` : ''
      }`;
    case 'mismatch':
      return `The device is accessible via SSH but presents ${
        serial.presentedSerial ?? 'a serial'
      }, not the expected one`;
    default:
      return serial.reason
        ? `Not checked yet: ${serial.reason}`
        : 'The serial number has not been verified over SSH yet';
  }
}

/**
 * Serial: Checked (green), Mismatch (alert colour, with the gear that opens
 * the fix dialog when `onFix` is given) or Not Checked (neutral).
 */
export function SerialBadge(props: {
  serial: ZtpDevice['serial'];
  /** Opens the fix dialog; leave out when the user may not fix serials. */
  onFix?: () => void;
}) {
  const { serial, onFix } = props;
  const classes = useStyles();
  const [label, tone] = LOOKS[serial.state] ?? LOOKS['not-checked'];
  return (
    <div className={classes.badge}>
      <StatusChip label={label} tone={tone} tooltip={describe(serial)} />
      {serial.state === 'mismatch' && onFix && (
        <OnDemandTooltip title="Fix serial mismatch">
          <IconButton
            size="small"
            aria-label="Fix serial mismatch"
            onClick={onFix}
          >
            <SettingsIcon fontSize="small" />
          </IconButton>
        </OnDemandTooltip>
      )}
      {serial.checking && (
        <OnDemandTooltip title="Serial check in progress">
          <CircularProgress
            size={14}
            aria-label="Serial check in progress"
            className={classes.progress}
          />
        </OnDemandTooltip>
      )}
    </div>
  );
}
