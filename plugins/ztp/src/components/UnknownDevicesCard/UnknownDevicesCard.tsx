import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ZtpUnknownDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { PolledListContent } from '../PolledListContent';
import {
  UNKNOWN_DEVICES_POLL_INTERVAL_MS,
  useUnknownDevices,
} from './useUnknownDevices';

/** What the card says about its rows. */
export const UNKNOWN_DEVICES_EXPLANATION =
  'These devices asked for a minimal configuration but match no declared device. Check the MAC address, hostname or management address declared in the catalog.';

/** The most rows the backend returns. */
const BACKEND_LIMIT = 200;

const useStyles = makeStyles(theme => ({
  table: {
    '& th, & td': { wordBreak: 'normal', overflowWrap: 'break-word' },
  },
  container: { maxHeight: 480 },
  head: { whiteSpace: 'nowrap' },
  kind: { color: theme.palette.text.secondary, marginRight: theme.spacing(1) },
  mono: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
  empty: { padding: theme.spacing(2, 0) },
}));

/** Splits "mac 52:54:00:aa:bb:cc" into its kind and its value. */
function splitIdentifier(identifier: string): { kind?: string; value: string } {
  const space = identifier.indexOf(' ');
  return space > 0
    ? { kind: identifier.slice(0, space), value: identifier.slice(space + 1) }
    : { value: identifier };
}

/** A time as "3 minutes ago", with the exact time in its title. */
function When(props: { iso: string }) {
  return (
    <Typography
      variant="body2"
      component="span"
      title={formatDateTime(props.iso)}
    >
      {formatRelativeTime(props.iso)}
    </Typography>
  );
}

function UnknownDevicesTable(props: { items: ZtpUnknownDevice[] }) {
  const classes = useStyles();
  return (
    <TableContainer className={classes.container}>
      <Table
        size="small"
        stickyHeader
        className={classes.table}
        aria-label="Unknown devices"
      >
        <TableHead>
          <TableRow>
            <TableCell className={classes.head}>Identifier</TableCell>
            <TableCell className={classes.head}>Source address</TableCell>
            <TableCell className={classes.head} align="right">
              Requests
            </TableCell>
            <TableCell className={classes.head}>First seen</TableCell>
            <TableCell className={classes.head}>Last seen</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.items.map(item => {
            const { kind, value } = splitIdentifier(item.identifier);
            return (
              <TableRow
                key={`${item.sourceIp} ${item.identifier}`}
                data-testid="unknown-device-row"
              >
                <TableCell>
                  {kind && (
                    <>
                      <span className={classes.kind}>{kind}</span>{' '}
                    </>
                  )}
                  <span className={classes.mono}>{value}</span>
                </TableCell>
                <TableCell className={classes.mono}>{item.sourceIp}</TableCell>
                <TableCell align="right">{item.count}</TableCell>
                <TableCell>
                  <When iso={item.firstSeen} />
                </TableCell>
                <TableCell>
                  <When iso={item.lastSeen} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/** @public */
export type UnknownDevicesCardProps = {
  /** How often to read the unknown devices again (default 15 s). */
  pollIntervalMs?: number;
};

/**
 * Devices that asked for a minimal configuration but match no declared
 * device: most often a device racked with a MAC address, hostname or address
 * that differs from its declaration. Kept current by polling and by the
 * queue's signals.
 * @public
 */
export function UnknownDevicesCard(props: UnknownDevicesCardProps) {
  const { pollIntervalMs = UNKNOWN_DEVICES_POLL_INTERVAL_MS } = props;
  const classes = useStyles();
  const { items, error, loading } = useUnknownDevices({ pollIntervalMs });

  const content = (
    <PolledListContent
      items={items}
      error={error}
      loading={loading}
      what="unknown devices"
      empty="No unknown device has asked for a configuration."
      emptyClassName={classes.empty}
    >
      {rows => (
        <>
          <UnknownDevicesTable items={rows} />
          {rows.length >= BACKEND_LIMIT && (
            <Typography variant="caption" color="textSecondary">
              The {BACKEND_LIMIT} most recent are shown.
            </Typography>
          )}
        </>
      )}
    </PolledListContent>
  );

  return (
    <InfoCard
      title="Unknown devices"
      subheader={UNKNOWN_DEVICES_EXPLANATION}
      action={
        items && items.length > 0 ? (
          <Chip
            size="small"
            label={items.length}
            aria-label={`${items.length} unknown ${
              items.length === 1 ? 'device' : 'devices'
            }`}
            data-testid="unknown-devices-count"
          />
        ) : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
