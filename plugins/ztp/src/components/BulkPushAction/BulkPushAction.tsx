import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Toolbar from '@material-ui/core/Toolbar';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type { ZtpBulkPushJob } from '@ztp-portal/backstage-plugin-ztp-common';
import { WRAP_TEXT } from '../../lib/wrapText';
import { ztpApiRef } from '../../api';
import { describeError } from '../../lib/format';

/** How often a running bulk push is asked for its progress. */
export const BULK_JOB_POLL_MS = 1_000;

const useStyles = makeStyles(theme => ({
  // A flex item shrinks below its content only with min-width 0: long
  // reasons wrap inside the alert instead of running out of the dialog.
  alertMessage: { minWidth: 0, flex: 1 },
  toolbar: {
    paddingLeft: theme.spacing(2),
    gap: theme.spacing(1),
    backgroundColor: theme.palette.action.selected,
  },
  grow: { flex: 1 },
}));

const nameOf = (ref: string) => ref.replace(/^resource:(default\/)?/, '');

/** Runs a bulk push and follows its job until it ends. */
function useBulkPush(pollMs: number) {
  const api = useApi(ztpApiRef);
  const [job, setJob] = useState<ZtpBulkPushJob>();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string>();
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  useEffect(() => {
    if (!job?.running) return undefined;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const next = await api.getBulkPushJob(job.id, {
          signal: controller.signal,
        });
        if (mounted.current) setJob(next);
      } catch (e) {
        if (!controller.signal.aborted && mounted.current) {
          setError(`Lost track of the push: ${describeError(e)}`);
          setJob({ ...job, running: false });
        }
      }
    }, pollMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, job, pollMs]);

  const start = async (entityRefs: string[]) => {
    setStarting(true);
    setError(undefined);
    try {
      const started = await api.startBulkPush(entityRefs);
      if (mounted.current) setJob(started);
    } catch (e) {
      if (mounted.current) setError(describeError(e));
    } finally {
      if (mounted.current) setStarting(false);
    }
  };

  const reset = () => {
    setJob(undefined);
    setError(undefined);
  };

  return { job, starting, error, start, reset };
}

function JobProgress(props: { job: ZtpBulkPushJob }) {
  const { job } = props;
  const classes = useStyles();
  const percent = job.total ? Math.round((job.done / job.total) * 100) : 100;
  const failures = job.results.filter(r => !r.ok);
  const succeeded = job.results.filter(r => r.ok).length;
  return (
    <Box>
      <LinearProgress
        variant={
          job.running && job.done === 0 ? 'indeterminate' : 'determinate'
        }
        value={percent}
        aria-label="Push progress"
      />
      <Typography variant="body2" style={{ marginTop: 8 }} role="status">
        {job.done} of {job.total} done
        {job.failed > 0 ? `, ${job.failed} failed` : ''}
        {job.running ? '…' : '.'}
      </Typography>
      {job.interrupted && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          The push was interrupted: the backend running it stopped.{' '}
          {job.interrupted.notPushed.length
            ? `Not reached: ${job.interrupted.notPushed
                .map(nameOf)
                .join(
                  ', ',
                )}. Their Conf Final state shows where each is; push them again when ready.`
            : 'Every device had been reached.'}
        </Alert>
      )}
      {!job.running && !job.interrupted && failures.length === 0 && (
        <Alert severity="success" style={{ marginTop: 8 }}>
          Final configuration pushed to {succeeded} device
          {succeeded === 1 ? '' : 's'}.
        </Alert>
      )}
      {failures.length > 0 && (
        <Alert
          severity="error"
          style={{ marginTop: 8 }}
          classes={{ message: classes.alertMessage }}
        >
          {failures.length} push{failures.length === 1 ? '' : 'es'} failed:
          <List dense disablePadding>
            {failures.map(f => (
              <ListItem key={f.entityRef} disableGutters>
                <ListItemText
                  primary={nameOf(f.entityRef)}
                  secondary={f.error ?? 'no reason given'}
                  secondaryTypographyProps={{ style: WRAP_TEXT }}
                />
              </ListItem>
            ))}
          </List>
        </Alert>
      )}
    </Box>
  );
}

/**
 * The dashboard's bulk action: "Conf Final (Push)" of the selected (Checked)
 * devices, with a confirmation, the job's progress and its results.
 */
export function BulkPushAction(props: {
  entityRefs: string[];
  onClearSelection: () => void;
  /** Called when the user closes the dialog of a finished push. */
  onFinished?: () => void;
  pollMs?: number;
}) {
  const { entityRefs, onClearSelection, onFinished } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const { job, starting, error, start, reset } = useBulkPush(
    props.pollMs ?? BULK_JOB_POLL_MS,
  );
  const busy = starting || Boolean(job?.running);
  const finished = Boolean(job && !job.running);

  const close = () => {
    if (busy) return;
    setOpen(false);
    if (finished) onFinished?.();
    reset();
  };

  const count = entityRefs.length;
  if (count === 0 && !open) return null;

  return (
    <>
      <Toolbar className={classes.toolbar} variant="dense">
        <Typography className={classes.grow} variant="subtitle2">
          {count} Checked device{count === 1 ? '' : 's'} selected
        </Typography>
        <Button size="small" onClick={onClearSelection}>
          Clear selection
        </Button>
        <Button
          size="small"
          variant="contained"
          color="primary"
          onClick={() => setOpen(true)}
          disabled={count === 0}
        >
          Conf Final (Push)
        </Button>
      </Toolbar>
      <Dialog
        open={open}
        onClose={close}
        maxWidth="sm"
        fullWidth
        aria-labelledby="ztp-bulk-push-title"
      >
        <DialogTitle id="ztp-bulk-push-title">
          Conf Final (Push) of {job?.total ?? count} device
          {(job?.total ?? count) === 1 ? '' : 's'}
        </DialogTitle>
        <DialogContent>
          {!job && (
            <>
              <DialogContentText>
                This deploys the full production configuration (interfaces,
                routing, security policies) to each selected device.
              </DialogContentText>
              <Typography variant="body2" color="textSecondary">
                {entityRefs.slice(0, 10).map(nameOf).join(', ')}
                {count > 10 ? ` and ${count - 10} more` : ''}
              </Typography>
            </>
          )}
          {job && <JobProgress job={job} />}
          {error && (
            <Alert severity="error" style={{ marginTop: 8 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={busy}>
            {job || error ? 'Close' : 'Cancel'}
          </Button>
          {!job && (
            <Button
              color="primary"
              variant="contained"
              disabled={busy || count === 0}
              onClick={() => start(entityRefs)}
              startIcon={
                starting ? <CircularProgress size={16} color="inherit" /> : null
              }
            >
              Push
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </>
  );
}
