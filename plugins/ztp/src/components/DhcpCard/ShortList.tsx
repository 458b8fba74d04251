import { useState, type ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';

/** How many entries a list shows until asked for all. */
export const SHORT_LIST_LENGTH = 20;

/**
 * A dense list that shows its first entries and a button for the rest: a
 * 10,000-device fleet can leave thousands of entries, and rendering them
 * all made the whole dashboard slow to open and to filter.
 */
export function ShortList<T>(props: {
  label: string;
  items: T[];
  render: (item: T) => ReactNode;
}) {
  const { items, render } = props;
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, SHORT_LIST_LENGTH);
  return (
    <>
      <List dense aria-label={props.label}>
        {shown.map(render)}
      </List>
      {shown.length < items.length && (
        <Button size="small" onClick={() => setAll(true)}>
          Show all {items.length.toLocaleString('en-US')}
        </Button>
      )}
    </>
  );
}
