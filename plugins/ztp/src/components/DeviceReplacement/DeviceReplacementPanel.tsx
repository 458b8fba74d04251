import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime } from '../../lib/format';
import { formatMinutes } from './DeviceFlags';
import { ReplaceDeviceDialog } from './ReplaceDeviceDialog';
import { ReprovisionDialog } from './ReprovisionDialog';
import { useCanReplace } from './useReplacement';

/** What the replaced or re-provisioned device waits for now. */
function nextStep(device: ZtpDevice): string {
  const r = device.replacement!;
  if (device.serial.state !== 'checked') {
    return r.learnSerial
      ? 'waiting for the new box; its serial is learned from its ZTP request or SSH check'
      : 'waiting for the device to load Conf Min and be Checked';
  }
  return r.autoPush
    ? 'Checked: Conf Final is pushed by itself'
    : 'Checked: waiting for an operator’s Conf Final (Push)';
}

function markerText(device: ZtpDevice): string {
  const r = device.replacement!;
  const what =
    r.kind === 'replacement'
      ? `Replacement of the box with serial ${r.previousSerial}`
      : 'Re-provision';
  const next = nextStep(device);
  return `${what}, by ${r.requestedBy} at ${formatDateTime(
    r.requestedAt,
  )}: ${next}.`;
}

/**
 * On a device's ZTP tab: where a replacement or re-provision stands, the
 * stuck flag, and the Replace device and Re-provision actions.
 */
export function DeviceReplacementPanel(props: {
  device: ZtpDevice;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, onDeviceUpdated } = props;
  const canReplace = useCanReplace();
  const [open, setOpen] = useState<'replace' | 'reprovision'>();
  if (!device.replacement && !device.stuck && !canReplace) return null;
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
      {device.stuck && (
        <Alert severity="warning" aria-label="Stuck device">
          Stuck: {device.stuck.state} for {formatMinutes(device.stuck.minutes)}
          {device.lastEvent ? `; last: ${device.lastEvent.message}` : ''}
        </Alert>
      )}
      {device.replacement && (
        <Alert severity="info" aria-label="Replacement">
          {markerText(device)}
        </Alert>
      )}
      {canReplace && device.inCatalog && (
        <Box display="flex" style={{ gap: 8 }}>
          <Button variant="outlined" onClick={() => setOpen('replace')}>
            Replace device
          </Button>
          <Button variant="outlined" onClick={() => setOpen('reprovision')}>
            Re-provision
          </Button>
        </Box>
      )}
      {open === 'replace' && (
        <ReplaceDeviceDialog
          device={device}
          onClose={() => setOpen(undefined)}
          onDeviceUpdated={onDeviceUpdated}
        />
      )}
      {open === 'reprovision' && (
        <ReprovisionDialog
          device={device}
          onClose={() => setOpen(undefined)}
          onDeviceUpdated={onDeviceUpdated}
        />
      )}
    </Box>
  );
}
