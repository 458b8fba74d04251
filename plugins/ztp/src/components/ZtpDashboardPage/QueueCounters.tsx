import { memo } from 'react';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ZtpQueueSummary } from '@ztp-portal/backstage-plugin-ztp-common';
import type { QueueFilter } from './QueueFilters';

const useStyles = makeStyles(theme => ({
  card: { height: '100%' },
  selected: { boxShadow: `inset 0 -3px 0 ${theme.palette.primary.main}` },
  value: { fontWeight: theme.typography.fontWeightBold as number },
  alert: { color: theme.palette.status.error },
  ok: { color: theme.palette.status.ok },
}));

type Counter = {
  key: keyof ZtpQueueSummary;
  label: string;
  /** The status filter this counter stands for. */
  filter: Partial<QueueFilter>;
  tone?: 'alert' | 'ok';
};

const COUNTERS: Counter[] = [
  {
    key: 'total',
    label: 'In queue',
    filter: { confMin: undefined, serial: undefined, confFinal: undefined },
  },
  { key: 'loaded', label: 'Conf Min loaded', filter: { confMin: 'loaded' } },
  {
    key: 'mismatched',
    label: 'Serial mismatch',
    filter: { serial: 'mismatch' },
    tone: 'alert',
  },
  {
    key: 'checked',
    label: 'Serial checked',
    filter: { serial: 'checked' },
    tone: 'ok',
  },
  {
    key: 'pushed',
    label: 'Conf Final pushed',
    filter: { confFinal: 'pushed' },
  },
];

type QueueCountersProps = {
  summary?: ZtpQueueSummary;
  filter: QueueFilter;
  onFilter: (change: Partial<QueueFilter>) => void;
};

/** The queue's counters; clicking one filters the table to its devices. */
function QueueCountersView(props: QueueCountersProps) {
  const { summary, filter, onFilter } = props;
  const classes = useStyles();
  const isSelected = (c: Counter) =>
    c.key === 'total'
      ? !filter.confMin && !filter.serial && !filter.confFinal
      : Object.entries(c.filter).every(
          ([k, v]) => filter[k as keyof QueueFilter] === v,
        );
  return (
    <Grid
      container
      spacing={2}
      component="ul"
      style={{ listStyle: 'none', padding: 0 }}
    >
      {COUNTERS.map(c => {
        const value = summary?.[c.key];
        let tone: string | undefined;
        if (value && c.tone === 'alert') tone = classes.alert;
        if (value && c.tone === 'ok') tone = classes.ok;
        return (
          <Grid item xs={6} sm={4} md key={c.key} component="li">
            <Card
              className={`${classes.card} ${
                isSelected(c) ? classes.selected : ''
              }`}
            >
              <CardActionArea
                onClick={() =>
                  onFilter({
                    confMin: undefined,
                    serial: undefined,
                    confFinal: undefined,
                    ...c.filter,
                  })
                }
                aria-label={`${c.label}: ${value ?? 'loading'}`}
                aria-pressed={isSelected(c)}
              >
                <CardContent>
                  <Typography
                    variant="h4"
                    component="p"
                    className={`${classes.value} ${tone ?? ''}`}
                    data-testid={`counter-${c.key}`}
                  >
                    {value ?? '–'}
                  </Typography>
                  <Typography variant="body2" color="textSecondary">
                    {c.label}
                  </Typography>
                </CardContent>
              </CardActionArea>
            </Card>
          </Grid>
        );
      })}
    </Grid>
  );
}

/**
 * Whether the counters would show the same: same counts (every page or
 * refresh brings a new summary object), same filter and handler.
 */
export function sameCounters(
  a: QueueCountersProps,
  b: QueueCountersProps,
): boolean {
  if (a.filter !== b.filter || a.onFilter !== b.onFilter) return false;
  if (a.summary === b.summary) return true;
  if (!a.summary || !b.summary) return false;
  return COUNTERS.every(c => a.summary![c.key] === b.summary![c.key]);
}

/**
 * Rendered again only when a count, the filter or the handler changes: a
 * new page of rows with the same counts leaves the counters alone.
 */
export const QueueCounters = memo(QueueCountersView, sameCounters);
