import { InfoCard } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import FiberManualRecordIcon from '@material-ui/icons/FiberManualRecord';
import type {
  ZtpEvent,
  ZtpEventType,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime, formatRelativeTime } from '../../lib/format';

type Tone = 'ok' | 'error' | 'running' | 'neutral';

const EVENT_KINDS: Record<ZtpEventType, [label: string, tone: Tone]> = {
  'device.added': ['Added to the ZTP queue', 'neutral'],
  'device.updated': ['Declaration updated', 'neutral'],
  'device.removed': ['Removed from the catalog', 'neutral'],
  'confmin.fetched': ['Conf Min loaded', 'ok'],
  'bootstrap.progress': ['Reported by the device', 'running'],
  'bootstrap.failed': ['Bootstrap failed on the device', 'error'],
  'serial.header-mismatch': ['Serial mismatch announced at boot', 'error'],
  'serial.check-started': ['Serial check started', 'running'],
  'serial.checked': ['Serial Checked', 'ok'],
  'serial.mismatch': ['Serial Mismatch', 'error'],
  'serial.check-failed': ['Serial check failed', 'error'],
  'serial.corrected': ['Serial corrected', 'running'],
  'credentials.revealed': ['Local account revealed', 'neutral'],
  'conffinal.push-started': ['Conf Final push started', 'running'],
  'conffinal.pushed': ['Conf Final pushed', 'ok'],
  'conffinal.failed': ['Conf Final failed', 'error'],
};

const useStyles = makeStyles(theme => ({
  icon: { minWidth: 28, marginTop: 6, alignSelf: 'flex-start' },
  ok: { color: theme.palette.status.ok },
  error: { color: theme.palette.status.error },
  running: { color: theme.palette.status.running },
  neutral: { color: theme.palette.text.disabled },
  list: { maxHeight: 480, overflowY: 'auto' },
}));

/** The device's ZTP timeline, newest event first. */
export function DeviceTimeline(props: { events: ZtpEvent[] }) {
  const { events } = props;
  const classes = useStyles();
  return (
    <InfoCard
      title="Timeline"
      subheader="What happened to this device, newest first"
    >
      {events.length === 0 ? (
        <Typography color="textSecondary">No event yet.</Typography>
      ) : (
        <List dense className={classes.list} aria-label="Device timeline">
          {events.map(event => {
            const [label, tone] = EVENT_KINDS[event.type] ?? [
              event.type,
              'neutral',
            ];
            return (
              <ListItem key={event.id} disableGutters alignItems="flex-start">
                <ListItemIcon className={classes.icon}>
                  <FiberManualRecordIcon
                    fontSize="small"
                    className={classes[tone]}
                  />
                </ListItemIcon>
                <ListItemText
                  primary={
                    <>
                      <Typography variant="subtitle2" component="span">
                        {label}
                      </Typography>
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        component="span"
                        title={formatDateTime(event.at)}
                      >
                        {' · '}
                        {formatRelativeTime(event.at)} · {event.actor}
                      </Typography>
                    </>
                  }
                  secondary={event.message}
                />
              </ListItem>
            );
          })}
        </List>
      )}
    </InfoCard>
  );
}
