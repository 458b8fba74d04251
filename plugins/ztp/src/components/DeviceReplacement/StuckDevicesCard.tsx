import { useCallback, useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  ZtpDevice,
  ZtpStuckDeviceList,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { describeError, deviceLabel } from '../../lib/format';
import { formatMinutes } from './DeviceFlags';
import { ReprovisionDialog } from './ReprovisionDialog';
import { useCanReplace, useReplacementClient } from './useReplacement';

/** How often the list is read again (a device becomes stuck by waiting). */
export const STUCK_POLL_INTERVAL_MS = 30_000;

/**
 * Every device that has not moved for ztp.stuck.afterMinutes in a state
 * where it should: how long, where, and the last thing it did; with
 * Re-provision for those allowed to.
 */
export function StuckDevicesCard(props: { pollIntervalMs?: number }) {
  const { pollIntervalMs = STUCK_POLL_INTERVAL_MS } = props;
  const client = useReplacementClient();
  const canReplace = useCanReplace();
  const [list, setList] = useState<ZtpStuckDeviceList>();
  const [error, setError] = useState<unknown>();
  const [reprovisioning, setReprovisioning] = useState<ZtpDevice>();

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const next = await client.listStuckDevices({ signal });
        if (signal?.aborted) return;
        setList(next);
        setError(undefined);
      } catch (e) {
        if (!signal?.aborted) setError(e);
      }
    },
    [client],
  );

  useEffect(() => {
    const controller = new AbortController();
    refresh(controller.signal);
    const timer = setInterval(() => refresh(controller.signal), pollIntervalMs);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [refresh, pollIntervalMs]);

  const items = list?.items ?? [];
  return (
    <InfoCard
      title={`Stuck devices${list ? ` (${items.length})` : ''}`}
      subheader={
        list
          ? `Devices that should have moved on by themselves and did nothing for ${list.afterMinutes} minutes or more.`
          : undefined
      }
    >
      {error !== undefined && (
        <Alert severity="warning">
          Could not read the stuck devices: {describeError(error)}
        </Alert>
      )}
      {list && items.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No device is stuck.
        </Typography>
      )}
      {items.length > 0 && (
        <List dense aria-label="Stuck devices">
          {items.map(device => (
            <ListItem
              key={device.entityRef}
              data-testid={`stuck-${device.name}`}
            >
              <ListItemText
                primary={`${deviceLabel(device)}: ${
                  device.stuck!.state
                } for ${formatMinutes(device.stuck!.minutes)}`}
                secondary={
                  device.lastEvent
                    ? `Last: ${device.lastEvent.message}`
                    : 'No event yet'
                }
              />
              {canReplace && (
                <ListItemSecondaryAction>
                  <Button
                    size="small"
                    onClick={() => setReprovisioning(device)}
                    aria-label={`Re-provision ${deviceLabel(device)}`}
                  >
                    Re-provision
                  </Button>
                </ListItemSecondaryAction>
              )}
            </ListItem>
          ))}
        </List>
      )}
      {reprovisioning && (
        <ReprovisionDialog
          device={reprovisioning}
          onClose={() => setReprovisioning(undefined)}
          onDeviceUpdated={() => refresh()}
        />
      )}
    </InfoCard>
  );
}
