import { ReactNode } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  type InfoCardVariants,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  ZTP_QUEUE_CHANNEL,
  ztpSignalFor,
  type ZtpQueueSignal,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { useDeviceCatalogLink } from '../../hooks/useDeviceCatalogLink';
import { useDeviceDetails } from '../../hooks/useDeviceDetails';
import {
  DEFAULT_POLL_INTERVAL_MS,
  useZtpLiveUpdates,
} from '../../hooks/useZtpLiveUpdates';
import { describeError, statusOf } from '../../lib/format';
import { ConfFinalBadge, ConfMinBadge, SerialBadge } from '../StatusBadges';
import { readDeviceIdentity, type DeviceIdentity } from './readDeviceIdentity';
import { usePlatformDisplayName } from '../../hooks/usePlatformDisplayName';

const DEFAULT_SSH_PORT = '22';

const useStyles = makeStyles(theme => ({
  // Label and value side by side. The labels' column has one width in both
  // lists, so that they line up, and leaves the values room for a MAC address
  // in the narrow info column of the entity page. Long labels wrap between
  // words; long values (paths, URLs) wrap anywhere.
  list: {
    display: 'grid',
    gridTemplateColumns: `${theme.spacing(15)}px minmax(0, 1fr)`,
    alignItems: 'center',
    gap: theme.spacing(1, 1.5),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  stages: { marginBottom: theme.spacing(2) },
  mono: { fontFamily: 'monospace' },
  note: { marginLeft: theme.spacing(1) },
}));

/** One label and its value in a description list. */
function Item(props: { label: string; children: ReactNode; mono?: boolean }) {
  const classes = useStyles();
  return (
    <>
      <Typography component="dt" variant="body2">
        {props.label}
      </Typography>
      <Typography
        component="dd"
        variant="body2"
        className={props.mono ? classes.mono : undefined}
      >
        {props.children}
      </Typography>
    </>
  );
}

/** A small grey remark after a value, e.g. "temporary". */
function Note(props: { children: ReactNode }) {
  const classes = useStyles();
  return (
    <Typography
      component="span"
      variant="caption"
      color="textSecondary"
      className={classes.note}
    >
      {props.children}
    </Typography>
  );
}

/** Marks a required annotation the entity lacks. */
function NotDeclared() {
  return (
    <Typography component="span" variant="body2" color="error">
      Not declared
    </Typography>
  );
}

/** The device's three stages from the ZTP backend, kept live. */
function DeviceStages(props: { entityRef: string; pollIntervalMs: number }) {
  const { entityRef, pollIntervalMs } = props;
  const classes = useStyles();
  const { details, error, loading, refresh, applyDevice } =
    useDeviceDetails(entityRef);

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
    if (loading) return <Progress aria-label="Loading the ZTP status" />;
    if (statusOf(error) === 404) {
      return (
        <Alert severity="info" className={classes.stages}>
          Not in the ZTP queue yet. The device joins it when the ZTP backend
          next reads the catalog.
        </Alert>
      );
    }
    return (
      <Alert severity="warning" className={classes.stages}>
        Could not load the ZTP status: {describeError(error)}
      </Alert>
    );
  }

  const { device } = details;
  return (
    <dl className={`${classes.list} ${classes.stages}`} aria-label="ZTP stages">
      <Item label="Conf Min">
        <ConfMinBadge confMin={device.confMin} />
      </Item>
      <Item label="Serial">
        <SerialBadge serial={device.serial} />
      </Item>
      <Item label="Conf Final">
        <ConfFinalBadge confFinal={device.confFinal} />
      </Item>
    </dl>
  );
}

/** What the entity's ztp.network/ annotations declare. */
function DeclaredIdentity(props: { identity: DeviceIdentity }) {
  const { identity: id } = props;
  const classes = useStyles();
  const platformDisplayName = usePlatformDisplayName();
  // Optional annotations show only when declared.
  const optional: [string, string | undefined, boolean][] = [
    ['Management port', id.managementInterface, true],
    ['Management VRF', id.managementVrf, true],
    ['Default gateway', id.defaultGateway, true],
    ['MAC address', id.macAddress, true],
    ['Hostname', id.hostname, false],
  ];
  const placement: [string, string | undefined, boolean][] = [
    ['Site', id.site, false],
    ['Role', id.role, false],
    ['Variables file', id.variables, true],
  ];
  const items = (list: typeof optional) =>
    list
      .filter(([, value]) => value)
      .map(([label, value, mono]) => (
        <Item key={label} label={label} mono={mono}>
          {value}
        </Item>
      ));

  return (
    <dl className={classes.list} aria-label="Declared identity">
      <Item label="Serial number">
        {id.serial ? (
          <>
            <span className={classes.mono}>{id.serial}</span>
            {id.serialTemporary && <Note>temporary</Note>}
            {id.serialCorrectedFrom && (
              <Note>
                corrected from{' '}
                <span className={classes.mono}>{id.serialCorrectedFrom}</span>
              </Note>
            )}
          </>
        ) : (
          <NotDeclared />
        )}
      </Item>
      <Item label="Platform">
        {id.platform ? platformDisplayName(id.platform) : <NotDeclared />}
      </Item>
      <Item label="Management address" mono={!!id.managementAddress}>
        {id.managementAddress ?? <NotDeclared />}
      </Item>
      {items(optional)}
      <Item label="SSH port">
        {id.sshPort ?? (
          <>
            {DEFAULT_SSH_PORT}
            <Note>default</Note>
          </>
        )}
      </Item>
      {items(placement)}
    </dl>
  );
}

/** @public */
export type EntityZtpIdentityCardProps = {
  variant?: InfoCardVariants;
  /** Path of the ZTP tab under the entity page (default `ztp`). */
  ztpTabPath?: string;
  /** Polling period when the app has no signals (default 10 s). */
  pollIntervalMs?: number;
};

/**
 * The ZTP identity of a network device, for its catalog page's Overview:
 * what its annotations declare, its live ZTP stages, and a link to the ZTP
 * tab.
 * @public
 */
export function EntityZtpIdentityCard(props: EntityZtpIdentityCardProps) {
  const {
    variant,
    ztpTabPath = 'ztp',
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
  } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const entityPage = useDeviceCatalogLink()(entityRef);
  const tabPath = ztpTabPath.replace(/^\/+/, '');

  return (
    <InfoCard
      title="ZTP identity"
      variant={variant}
      deepLink={
        entityPage
          ? {
              title: 'Open the ZTP tab',
              link: `${entityPage.replace(/\/+$/, '')}/${tabPath}`,
            }
          : undefined
      }
    >
      <DeviceStages entityRef={entityRef} pollIntervalMs={pollIntervalMs} />
      <DeclaredIdentity identity={readDeviceIdentity(entity)} />
    </InfoCard>
  );
}
