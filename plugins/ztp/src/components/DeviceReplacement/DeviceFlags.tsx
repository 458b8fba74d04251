import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime } from '../../lib/format';
import { OnDemandTooltip } from '../OnDemandTooltip';

/** "2 h 05 min", "42 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return `${h} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The stuck and replacement flags of a queue row. */
export function DeviceFlags(props: { device: ZtpDevice }) {
  const { stuck, replacement } = props.device;
  return (
    <>
      {stuck && (
        <OnDemandTooltip
          title={`${stuck.state} since ${formatDateTime(stuck.since)}${
            props.device.lastEvent
              ? `; last: ${props.device.lastEvent.message}`
              : ''
          }`}
        >
          <Chip
            size="small"
            color="secondary"
            label={`Stuck ${formatMinutes(stuck.minutes)}`}
          />
        </OnDemandTooltip>
      )}
      {replacement && (
        <OnDemandTooltip
          title={`${
            replacement.kind === 'replacement' ? 'Replacement' : 'Re-provision'
          } by ${replacement.requestedBy} at ${formatDateTime(
            replacement.requestedAt,
          )}`}
        >
          <Chip
            size="small"
            variant="outlined"
            label={
              replacement.kind === 'replacement'
                ? 'Replacement'
                : 'Re-provision'
            }
          />
        </OnDemandTooltip>
      )}
    </>
  );
}

/** The row action of the dashboard's queue: opens Replace device. */
export function ReplaceDeviceButton(props: {
  label: string;
  onClick: () => void;
}) {
  return (
    <OnDemandTooltip title="Replace device">
      <IconButton
        size="small"
        aria-label={`Replace ${props.label}`}
        onClick={props.onClick}
      >
        <SwapHorizIcon fontSize="small" />
      </IconButton>
    </OnDemandTooltip>
  );
}
