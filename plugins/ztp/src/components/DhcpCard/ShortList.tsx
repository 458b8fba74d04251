import { useState, type ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import Alert from '@material-ui/lab/Alert';
import { describeError } from '../../lib/format';

/** How many entries a list shows until asked for all. */
export const SHORT_LIST_LENGTH = 20;

/**
 * A dense list of the first entries of a longer one, with a button that
 * loads and shows them all: a 10,000-device fleet can leave thousands of
 * entries, and reading and rendering them all on every poll made the
 * whole dashboard slow to open and to filter.
 */
export function ShortList<T>(props: {
  label: string;
  /** The first entries. */
  items: T[];
  /** How many there are in all. */
  total: number;
  /** Reads them all (on the user's request only). */
  loadAll: () => Promise<T[]>;
  render: (item: T) => ReactNode;
}) {
  const { items, total, render } = props;
  const [all, setAll] = useState<T[]>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const shown = all ?? items.slice(0, SHORT_LIST_LENGTH);
  const showAll = async () => {
    setLoading(true);
    try {
      setAll(await props.loadAll());
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  return (
    <>
      <List dense aria-label={props.label}>
        {shown.map(render)}
      </List>
      {!all && shown.length < total && (
        <Button size="small" disabled={loading} onClick={showAll}>
          Show all {total.toLocaleString('en-US')}
        </Button>
      )}
      {error !== undefined && (
        <Alert severity="error">
          Could not load them all: {describeError(error)}
        </Alert>
      )}
    </>
  );
}
