import type { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { describeError } from '../../lib/format';

/**
 * The body of a card that lists what a polled request returns: progress
 * until the first answer, an error panel when there is nothing to show, a
 * warning above the rows when a refresh failed, and a sentence when the
 * list is empty.
 */
export function PolledListContent<T>(props: {
  items: T[] | undefined;
  error: unknown;
  loading: boolean;
  /** What the list holds, for the error messages (e.g. "unknown devices"). */
  what: string;
  /** Said when the list is empty. */
  empty: string;
  emptyClassName?: string;
  children: (items: T[]) => ReactNode;
}) {
  const { items, error, loading, what } = props;
  if (loading) return <Progress />;
  if (!items) {
    return (
      <ResponseErrorPanel
        title={`Could not load the ${what}`}
        error={error instanceof Error ? error : new Error(String(error))}
      />
    );
  }
  return (
    <>
      {error !== undefined && (
        <Box pb={2}>
          <Alert severity="warning">
            Could not refresh the {what}: {describeError(error)}
          </Alert>
        </Box>
      )}
      {items.length === 0 ? (
        <Typography color="textSecondary" className={props.emptyClassName}>
          {props.empty}
        </Typography>
      ) : (
        props.children(items)
      )}
    </>
  );
}
