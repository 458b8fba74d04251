import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ShortList } from './ShortList';
import type {
  ZtpDhcpApplyStatus,
  ZtpDhcpConfigPart,
  ZtpDhcpLease,
} from '@ztp-portal/backstage-plugin-ztp-common';
import {
  describeError,
  formatDateTime,
  formatRelativeTime,
} from '../../lib/format';
import {
  DHCP_POLL_INTERVAL_MS,
  useDhcpClient,
  useDhcpOverview,
} from './useDhcpOverview';

/** What the card is for, under its title. */
export const DHCP_EXPLANATION =
  'Kea DHCPv4 configuration generated from the ZTP queue: a reservation per device on its management address, with its platform’s boot options.';

/** File names of the two downloads. */
const FILE_NAMES: Record<ZtpDhcpConfigPart, string> = {
  whole: 'kea-dhcp4.conf',
  reservations: 'kea-reservations.json',
};

function ApplyStatus(props: { status: ZtpDhcpApplyStatus }) {
  const { status } = props;
  if (status.mode === 'download') {
    return (
      <Typography variant="body2" color="textSecondary">
        Download only: no Kea control endpoint is configured (ztp.dhcp.control),
        so changes are not applied to a running Kea.
      </Typography>
    );
  }
  if (!status.lastAttemptAt) {
    return (
      <Typography variant="body2">
        Applied to {status.endpoint} as the queue changes; nothing applied yet.
      </Typography>
    );
  }
  if (status.ok === false) {
    return (
      <Alert severity="error" aria-label="Last DHCP apply failed">
        Not applied to {status.endpoint} (
        <span title={formatDateTime(status.lastAttemptAt)}>
          {formatRelativeTime(status.lastAttemptAt)}
        </span>
        , {status.change}): {status.error}
        {status.lastAppliedAt &&
          `. Kea keeps the configuration applied ${formatRelativeTime(
            status.lastAppliedAt,
          )}.`}
      </Alert>
    );
  }
  return (
    <Typography variant="body2" aria-label="Last DHCP apply">
      Applied to {status.endpoint}{' '}
      <span title={formatDateTime(status.lastAppliedAt!)}>
        {formatRelativeTime(status.lastAppliedAt!)}
      </span>
      : {status.change}
    </Typography>
  );
}

const name = (entityRef: string) => entityRef.replace(/^resource:[^/]+\//, '');

/** A Not Loaded device: has DHCP handed it an address yet? */
function leaseSentence(lease: ZtpDhcpLease): string {
  switch (lease.state) {
    case 'leased':
      return `lease ${lease.address}, no fetch yet`;
    case 'expired':
      return `lease ${lease.address} expired, no fetch`;
    default:
      return 'no DHCP lease yet';
  }
}

/** Starts a browser download of a JSON document. */
function saveJson(fileName: string, content: unknown) {
  const blob = new Blob([`${JSON.stringify(content, null, 2)}\n`], {
    type: 'application/json',
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** @public */
export type DhcpCardProps = {
  /** How often to read the status and leases again (default 15 s). */
  pollIntervalMs?: number;
};

/**
 * DHCP from the catalog: whether the Kea configuration is applied (or
 * download only), what the generator left out and why, downloads of the
 * whole file or the reservations alone, and for Not Loaded devices whether
 * DHCP has handed them a lease.
 * @public
 */
export function DhcpCard(props: DhcpCardProps) {
  const { pollIntervalMs = DHCP_POLL_INTERVAL_MS } = props;
  const client = useDhcpClient();
  const { overview, error, loading } = useDhcpOverview(pollIntervalMs);
  const [downloadError, setDownloadError] = useState<unknown>();

  const download = async (part: ZtpDhcpConfigPart) => {
    try {
      const view = await client.getKeaConfig(part);
      saveJson(FILE_NAMES[part], view.content);
      setDownloadError(undefined);
    } catch (e) {
      setDownloadError(e);
    }
  };

  let body;
  if (loading) {
    body = <Progress />;
  } else if (!overview) {
    body = (
      <ResponseErrorPanel
        title="Could not load the DHCP configuration"
        error={error instanceof Error ? error : new Error(String(error))}
      />
    );
  } else {
    const { status, summary } = overview;
    const { leases } = summary;
    body = (
      <>
        {error !== undefined && (
          <Box pb={2}>
            <Alert severity="warning">
              Could not refresh the DHCP status: {describeError(error)}
            </Alert>
          </Box>
        )}
        <ApplyStatus status={status} />
        <Box display="flex" alignItems="center" my={2} style={{ gap: 8 }}>
          <Button
            variant="outlined"
            color="primary"
            onClick={() => download('whole')}
          >
            Download Kea configuration
          </Button>
          <Button variant="outlined" onClick={() => download('reservations')}>
            Download reservations
          </Button>
          <Typography variant="body2" color="textSecondary">
            {summary.reservationCount}{' '}
            {summary.reservationCount === 1 ? 'reservation' : 'reservations'}
          </Typography>
        </Box>
        {downloadError !== undefined && (
          <Alert severity="error">
            Could not download: {describeError(downloadError)}
          </Alert>
        )}
        {summary.problemCount > 0 && (
          <>
            <Typography variant="subtitle2">Left out or incomplete</Typography>
            <ShortList
              label="DHCP configuration problems"
              items={summary.problems}
              total={summary.problemCount}
              loadAll={async () =>
                (await client.getKeaConfig('reservations')).problems
              }
              render={p => (
                <ListItem key={`${p.entityRef}:${p.message}`} disableGutters>
                  <ListItemText primary={p.message} />
                </ListItem>
              )}
            />
          </>
        )}
        {leases.available ? (
          leases.notLoadedCount > 0 && (
            <>
              <Typography variant="subtitle2">
                Not Loaded devices and DHCP
              </Typography>
              <ShortList
                label="Not Loaded devices and their DHCP leases"
                items={leases.notLoaded}
                total={leases.notLoadedCount}
                loadAll={async () =>
                  (await client.getLeases()).items.filter(
                    l => l.confMin === 'not-loaded',
                  )
                }
                render={l => (
                  <ListItem key={l.entityRef} disableGutters>
                    <ListItemText
                      primary={name(l.entityRef)}
                      secondary={leaseSentence(l)}
                    />
                  </ListItem>
                )}
              />
            </>
          )
        ) : (
          <Typography variant="body2" color="textSecondary">
            {leases.error
              ? `Kea's leases could not be read (${leases.source}): ${leases.error}`
              : 'Kea’s leases are not read (configure ztp.dhcp.leases), so Not Loaded cannot tell “no lease yet” from “lease, no fetch”.'}
          </Typography>
        )}
      </>
    );
  }

  return (
    <InfoCard title="DHCP (Kea)" subheader={DHCP_EXPLANATION}>
      {body}
    </InfoCard>
  );
}
