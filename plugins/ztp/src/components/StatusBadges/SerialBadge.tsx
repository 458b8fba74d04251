import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import SettingsIcon from '@material-ui/icons/Settings';
import type {
  SerialState,
  ZtpDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime } from '../../lib/format';
import { StatusChip, type StatusTone } from './StatusChip';

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
  const [label, tone] = LOOKS[serial.state] ?? LOOKS['not-checked'];
  return (
    <Box display="flex" alignItems="center" style={{ gap: 2 }}>
      <StatusChip label={label} tone={tone} tooltip={describe(serial)} />
      {serial.state === 'mismatch' && onFix && (
        <Tooltip title="Fix serial mismatch">
          <IconButton
            size="small"
            aria-label="Fix serial mismatch"
            onClick={onFix}
          >
            <SettingsIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
      {serial.checking && (
        <Tooltip title="Serial check in progress">
          <CircularProgress
            size={14}
            aria-label="Serial check in progress"
            style={{ marginLeft: 4 }}
          />
        </Tooltip>
      )}
    </Box>
  );
}
