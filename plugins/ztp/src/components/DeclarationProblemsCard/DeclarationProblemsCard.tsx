import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ZtpDeclarationProblem } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { PolledListContent } from '../PolledListContent';
import {
  DECLARATION_PROBLEMS_POLL_INTERVAL_MS,
  useDeclarationProblems,
} from './useDeclarationProblems';

/** What the card says about its rows. */
export const DECLARATION_PROBLEMS_EXPLANATION =
  'The catalog refused these device declarations: a device it never accepted has no page to show its errors on, and does not enter the ZTP queue. Fix the file, and the device appears at the next catalog refresh.';

const useStyles = makeStyles(theme => ({
  declaration: {
    borderTop: `1px solid ${theme.palette.divider}`,
    padding: theme.spacing(1.5, 0),
  },
  ref: { fontFamily: 'monospace', fontWeight: 500 },
  location: {
    fontFamily: 'monospace',
    color: theme.palette.text.secondary,
    overflowWrap: 'anywhere',
  },
  empty: { padding: theme.spacing(2, 0) },
}));

function Declaration(props: { item: ZtpDeclarationProblem }) {
  const { item } = props;
  const classes = useStyles();
  return (
    <Box className={classes.declaration} data-testid="declaration-problem">
      <Typography className={classes.ref}>{item.entityRef}</Typography>
      {item.location && (
        <Typography variant="body2" className={classes.location}>
          {item.location}
        </Typography>
      )}
      <List dense disablePadding aria-label={`Problems of ${item.entityRef}`}>
        {item.problems.map(problem => (
          <ListItem key={problem} disableGutters>
            <ListItemText primary={problem} />
          </ListItem>
        ))}
      </List>
      <Typography
        variant="caption"
        color="textSecondary"
        title={formatDateTime(item.firstSeen)}
      >
        Refused since {formatRelativeTime(item.firstSeen)}
      </Typography>
    </Box>
  );
}

/** @public */
export type DeclarationProblemsCardProps = {
  /** How often to read the refused declarations again (default 30 s). */
  pollIntervalMs?: number;
};

/**
 * Device declarations the catalog refused, each with its processing errors
 * and the file it comes from.
 * @public
 */
export function DeclarationProblemsCard(props: DeclarationProblemsCardProps) {
  const { pollIntervalMs = DECLARATION_PROBLEMS_POLL_INTERVAL_MS } = props;
  const classes = useStyles();
  const { items, error, loading } = useDeclarationProblems(pollIntervalMs);

  const content = (
    <PolledListContent
      items={items}
      error={error}
      loading={loading}
      what="refused declarations"
      empty="The catalog accepted every device declaration."
      emptyClassName={classes.empty}
    >
      {rows =>
        rows.map(item => <Declaration key={item.entityRef} item={item} />)
      }
    </PolledListContent>
  );

  return (
    <InfoCard
      title="Refused declarations"
      subheader={DECLARATION_PROBLEMS_EXPLANATION}
      action={
        items && items.length > 0 ? (
          <Chip
            size="small"
            color="secondary"
            label={items.length}
            aria-label={`${items.length} refused ${
              items.length === 1 ? 'declaration' : 'declarations'
            }`}
          />
        ) : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
