import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
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
import { WRAP_TEXT } from '../../lib/wrapText';

/** Events shown before "Show all": the card grows with the page, no inner scroll bar. */
export const TIMELINE_FIRST_EVENTS = 10;

type Tone = 'ok' | 'error' | 'running' | 'neutral';

const EVENT_KINDS: Record<ZtpEventType, [label: string, tone: Tone]> = {
  'device.added': ['Added to the ZTP queue', 'neutral'],
  'device.updated': ['Declaration updated', 'neutral'],
  'device.removed': ['Removed from the catalog', 'neutral'],
  'confmin.fetched': ['Conf Min loaded', 'ok'],
  'bootstrap.progress': ['Reported by the device', 'running'],
  'bootstrap.failed': ['Bootstrap failed on the device', 'error'],
  'bootstrap.image-failed': ['Software image not taken during ZTP', 'error'],
  'serial.header-mismatch': ['Serial mismatch announced at boot', 'error'],
  'serial.check-started': ['Serial check started', 'running'],
  'serial.checked': ['Serial Checked', 'ok'],
  'serial.mismatch': ['Serial Mismatch', 'error'],
  'serial.check-failed': ['Serial check failed', 'error'],
  'serial.check-refused': ['Serial not checked again', 'neutral'],
  'serial.corrected': ['Serial corrected', 'running'],
  'serial.host-key-accepted': ['New host key accepted', 'running'],
  'credentials.revealed': ['Local account revealed', 'neutral'],
  'device.replaced': ['Device replaced', 'running'],
  'device.reprovisioned': ['Re-provisioned', 'running'],
  'replacement.serial-learned': ["New box's serial learned", 'running'],
  'conffinal.push-started': ['Conf Final push started', 'running'],
  'conffinal.pushed': ['Conf Final pushed', 'ok'],
  'conffinal.failed': ['Conf Final failed', 'error'],
  'image.downloaded': ['Image downloaded', 'ok'],
  'image.download-failed': ['Image download interrupted', 'error'],
  'conffinal.image-override': ['Image gate overridden', 'neutral'],
  'image.upgrade-started': ['Upgrade started', 'running'],
  'image.upgrade-step': ['Upgrade step', 'running'],
  'image.upgraded': ['Upgraded to the approved image', 'ok'],
  'image.upgrade-failed': ['Upgrade failed', 'error'],
};

const useStyles = makeStyles(theme => ({
  icon: { minWidth: 28, marginTop: 6, alignSelf: 'flex-start' },
  ok: { color: theme.palette.status.ok },
  error: { color: theme.palette.status.error },
  running: { color: theme.palette.status.running },
  neutral: { color: theme.palette.text.disabled },
}));

/** The device's ZTP timeline, newest event first. */
export function DeviceTimeline(props: { events: ZtpEvent[] }) {
  const { events } = props;
  const classes = useStyles();
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? events : events.slice(0, TIMELINE_FIRST_EVENTS);
  return (
    <InfoCard
      title="Timeline"
      subheader="What happened to this device, newest first"
    >
      {events.length === 0 ? (
        <Typography color="textSecondary">No event yet.</Typography>
      ) : (
        <List dense aria-label="Device timeline">
          {shown.map(event => {
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
                  secondaryTypographyProps={{
                    style: WRAP_TEXT,
                    component: 'p',
                  }}
                />
              </ListItem>
            );
          })}
        </List>
      )}
      {events.length > shown.length && (
        <Button size="small" onClick={() => setShowAll(true)}>
          Show all {events.length} events
        </Button>
      )}
    </InfoCard>
  );
}
