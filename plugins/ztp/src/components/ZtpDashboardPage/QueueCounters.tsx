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

/** The queue's counters; clicking one filters the table to its devices. */
export function QueueCounters(props: {
  summary?: ZtpQueueSummary;
  filter: QueueFilter;
  onFilter: (change: Partial<QueueFilter>) => void;
}) {
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
