import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import {
  ZTP_QUEUE_CHANNEL,
  ztpSignalFor,
  type ZtpQueueSignal,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { useDeviceDetails } from '../../hooks/useDeviceDetails';
import {
  DEFAULT_POLL_INTERVAL_MS,
  useZtpLiveUpdates,
} from '../../hooks/useZtpLiveUpdates';
import { useZtpPermissions } from '../../hooks/useZtpPermissions';
import { describeError, statusOf } from '../../lib/format';
import { FixSerialDialog } from '../FixSerialDialog';
import { HostKeyChangedAlert } from '../HostKeyChanged';
import { DeviceReplacementPanel } from '../DeviceReplacement';
import { DeviceStatusCard } from './DeviceStatusCard';
import { DeviceTimeline } from './DeviceTimeline';
import { FinalConfigCard } from './FinalConfigCard';

/** @public */
export type ZtpDeviceContentProps = {
  /** resource:namespace/name of the device. */
  entityRef: string;
  /** Polling period when the app has no signals (default 10 s). */
  pollIntervalMs?: number;
};

/**
 * One device's ZTP view: its stages, the serial fix dialog, Check Serial Now,
 * Conf Final preview and push, and its timeline, kept live.
 * @public
 */
export function ZtpDeviceContent(props: ZtpDeviceContentProps) {
  const { entityRef, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = props;
  const permissions = useZtpPermissions();
  const { details, error, loading, refresh, applyDevice } =
    useDeviceDetails(entityRef);
  const [fixing, setFixing] = useState(false);

  useZtpLiveUpdates<ZtpQueueSignal>({
    channel: ZTP_QUEUE_CHANNEL,
    onSignal: message => {
      const about = ztpSignalFor(message, entityRef);
      // A removal shows with the refresh that follows.
      if (about && 'device' in about) applyDevice(about.device);
      return about !== undefined;
    },
    onRefresh: refresh,
    pollIntervalMs,
  });

  if (!details) {
    if (loading) return <Progress />;
    if (statusOf(error) === 404) {
      return (
        <EmptyState
          missing="data"
          title="Not in the ZTP queue yet"
          description="This device joins the queue when the ZTP backend next reads the catalog, which takes a few seconds. If it does not appear, check its ztp.network/ annotations: the catalog lists what is wrong with them."
        />
      );
    }
    return (
      <ResponseErrorPanel
        title="Could not load the device's ZTP state"
        error={(error as Error) ?? new Error('No data')}
      />
    );
  }

  const { device, events } = details;
  return (
    <Grid container spacing={3} alignItems="stretch">
      {error !== undefined && (
        <Grid item xs={12}>
          <Alert severity="warning">
            Could not refresh: {describeError(error)}
          </Alert>
        </Grid>
      )}
      {!device.inCatalog && (
        <Grid item xs={12}>
          <Alert severity="info">
            This device left the catalog; its ZTP history is kept.
          </Alert>
        </Grid>
      )}
      {device.serial.presentedHostKeyFingerprint && (
        <Grid item xs={12}>
          <HostKeyChangedAlert device={device} onDeviceUpdated={applyDevice} />
        </Grid>
      )}
      <Grid item xs={12}>
        <DeviceReplacementPanel device={device} onDeviceUpdated={applyDevice} />
      </Grid>
      <Grid item xs={12} md={5}>
        <DeviceStatusCard
          device={device}
          canUpdateSerial={permissions.canUpdateSerial}
          onFix={() => setFixing(true)}
          onDeviceUpdated={applyDevice}
        />
      </Grid>
      <Grid item xs={12} md={7}>
        <DeviceTimeline events={events} />
      </Grid>
      <Grid item xs={12}>
        <FinalConfigCard
          device={device}
          canPush={permissions.canPushConfig}
          onDeviceUpdated={applyDevice}
        />
      </Grid>
      {fixing && (
        <FixSerialDialog
          open
          device={device}
          canRevealCredentials={permissions.canRevealCredentials}
          onClose={() => setFixing(false)}
          onDeviceUpdated={d => {
            applyDevice(d);
            refresh();
          }}
        />
      )}
    </Grid>
  );
}

/**
 * The ZTP tab of a network device's catalog page.
 * @public
 */
export function EntityZtpContent(props: { pollIntervalMs?: number }) {
  const { entity } = useEntity();
  return (
    <ZtpDeviceContent
      entityRef={stringifyEntityRef(entity)}
      pollIntervalMs={props.pollIntervalMs}
    />
  );
}
