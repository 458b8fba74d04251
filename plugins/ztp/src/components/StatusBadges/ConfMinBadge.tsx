import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { StatusChip } from './StatusChip';

/** Conf Min: Not Loaded, or Loaded with when (and from where) it was fetched. */
export function ConfMinBadge(props: { confMin: ZtpDevice['confMin'] }) {
  const { confMin } = props;
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
    // In a narrow table column the time goes under the chip.
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: '2px 6px' }}
    >
      <StatusChip label="Loaded" tone="ok" tooltip={tooltip} />
      {when && (
        <Typography variant="caption" color="textSecondary" noWrap>
          <time dateTime={when}>{formatRelativeTime(when)}</time>
        </Typography>
      )}
    </Box>
  );
}
