import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { StatusChip } from './StatusChip';

// A static class, not a Box (a style rule per instance): in a narrow table
// column the time goes under the chip.
const useStyles = makeStyles({
  loaded: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: '2px 6px',
  },
});

/** Conf Min: Not Loaded, or Loaded with when (and from where) it was fetched. */
export function ConfMinBadge(props: { confMin: ZtpDevice['confMin'] }) {
  const { confMin } = props;
  const classes = useStyles();
  if (confMin.state !== 'loaded') {
    return (
      <StatusChip
        label="Not Loaded"
        tone="neutral"
        tooltip="The device has not yet retrieved its minimal configuration"
      />
    );
  }
  const when = confMin.loadedAt;
  const tooltip = [
    'The device has retrieved its minimal configuration',
    when && `at ${formatDateTime(when)}`,
    confMin.loadedFrom && `from ${confMin.loadedFrom}`,
    confMin.fetchCount > 1 && `(${confMin.fetchCount} fetches)`,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes.loaded}>
      <StatusChip label="Loaded" tone="ok" tooltip={tooltip} />
      {when && (
        <Typography variant="caption" color="textSecondary" noWrap>
          <time dateTime={when}>{formatRelativeTime(when)}</time>
        </Typography>
      )}
    </div>
  );
}
