import { useEffect, useRef, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  ZtpReplacementCsvCheck,
  ZtpReplacementJob,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { describeError } from '../../lib/format';
import { useCanReplace, useReplacementClient } from './useReplacement';

/** How often a running replacement list is asked for its progress. */
export const REPLACEMENT_JOB_POLL_MS = 1_000;

const nameOf = (ref: string) => ref.replace(/^resource:(default\/)?/, '');

/**
 * A replacement list (entity, new serial, new MAC per line) checked line by
 * line before anything changes, then applied as one job with its progress.
 */
export function ReplacementListCard(props: { pollMs?: number }) {
  const { pollMs = REPLACEMENT_JOB_POLL_MS } = props;
  const client = useReplacementClient();
  const canReplace = useCanReplace();
  const [csv, setCsv] = useState('');
  const [check, setCheck] = useState<{
    csv: string;
    result: ZtpReplacementCsvCheck;
  }>();
  const [job, setJob] = useState<ZtpReplacementJob>();
  const [busy, setBusy] = useState(false);
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
        const next = await client.getReplacementList(job.id, {
          signal: controller.signal,
        });
        if (mounted.current) setJob(next);
      } catch (e) {
        if (!controller.signal.aborted && mounted.current) {
          setError(`Lost track of the replacement list: ${describeError(e)}`);
          setJob({ ...job, running: false });
        }
      }
    }, pollMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, job, pollMs]);

  if (!canReplace) return null;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    } finally {
      if (mounted.current) setBusy(false);
    }
  };
  const checkList = () =>
    run(async () => {
      setCheck({ csv, result: await client.checkReplacementList(csv) });
    });
  const apply = () =>
    run(async () => {
      setJob(await client.startReplacementList(csv));
      setCheck(undefined);
    });
  const checked = check?.csv === csv ? check.result : undefined;

  return (
    <InfoCard
      title="Replacement list"
      subheader="Replace several devices at once: one line per device, entity,new serial,new MAC (the MAC may be empty). Every line is checked before anything changes."
    >
      <TextField
        label="Replacement list (CSV)"
        value={csv}
        onChange={e => setCsv(e.target.value)}
        placeholder={
          'entity,new serial,new MAC\nleaf-01-par1,JPE20990001,44:4c:a8:a1:99:11'
        }
        multiline
        minRows={4}
        fullWidth
        variant="outlined"
        disabled={busy || job?.running}
        inputProps={{ 'aria-label': 'Replacement list (CSV)' }}
      />
      <Box mt={1} display="flex" style={{ gap: 8 }}>
        <Button
          variant="outlined"
          onClick={checkList}
          disabled={busy || !csv.trim() || job?.running}
        >
          Check list
        </Button>
        <Button
          variant="contained"
          color="primary"
          onClick={apply}
          disabled={busy || !checked?.ok || job?.running}
        >
          {checked?.ok
            ? `Replace ${checked.rows.length} device${
                checked.rows.length === 1 ? '' : 's'
              }`
            : 'Replace devices'}
        </Button>
      </Box>
      {error && (
        <Box mt={2}>
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        </Box>
      )}
      {checked && !checked.ok && (
        <Box mt={2}>
          <Alert severity="error" aria-label="Refused lines">
            Nothing was changed. Fix these lines:
            <List dense>
              {checked.problems.map((p, i) => (
                <ListItem key={i} disableGutters>
                  <ListItemText primary={`Line ${p.line}: ${p.message}`} />
                </ListItem>
              ))}
            </List>
          </Alert>
        </Box>
      )}
      {checked?.ok && (
        <Box mt={2}>
          <Alert severity="success">
            Every line is valid:{' '}
            {checked.rows
              .map(r => `${nameOf(r.entityRef)} → ${r.newSerial}`)
              .join(', ')}
          </Alert>
        </Box>
      )}
      {job && (
        <Box mt={2} aria-label="Replacement progress">
          <Typography variant="body2">
            {job.running ? 'Replacing' : 'Replaced'} {job.done + job.failed} of{' '}
            {job.total} ({job.failed} failed)
          </Typography>
          <LinearProgress
            variant="determinate"
            value={((job.done + job.failed) / Math.max(job.total, 1)) * 100}
          />
          <List dense>
            {job.results.map(r => (
              <ListItem key={r.entityRef} disableGutters>
                <ListItemText
                  primary={`${nameOf(r.entityRef)}: ${
                    r.ok ? 'replaced' : `failed: ${r.error}`
                  }`}
                />
              </ListItem>
            ))}
          </List>
        </Box>
      )}
    </InfoCard>
  );
}
