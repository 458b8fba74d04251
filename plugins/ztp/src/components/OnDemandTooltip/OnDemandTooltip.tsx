import {
  cloneElement,
  useId,
  useState,
  type FocusEvent,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import Tooltip from '@material-ui/core/Tooltip';

type ChildProps = {
  title?: string;
  'aria-describedby'?: string;
  onMouseOver?: (event: MouseEvent<HTMLElement>) => void;
  onMouseLeave?: (event: MouseEvent<HTMLElement>) => void;
  onFocus?: (event: FocusEvent<HTMLElement>) => void;
  onBlur?: (event: FocusEvent<HTMLElement>) => void;
};

/**
 * A Material UI Tooltip on its child, made the first time the pointer or
 * the focus reaches the child: a page of queue rows mounts its badges and
 * checkboxes alone, not a Tooltip (hooks, listeners, a Popper) with each of
 * the ten or so per row. The child stays where it is when the tooltip is
 * made (the tooltip is anchored to it), so a click or the focus that made
 * it is not lost. As a closed Tooltip does, the child carries a text title
 * as its native `title` until the tooltip opens, and points to the open
 * tooltip with `aria-describedby`.
 */
export function OnDemandTooltip(props: {
  title: NonNullable<ReactNode>;
  children: ReactElement<ChildProps>;
}) {
  const { title, children } = props;
  const id = useId();
  const [anchor, setAnchor] = useState<HTMLElement>();
  const [open, setOpen] = useState(false);
  const own = children.props;
  const show = (element: HTMLElement) => {
    setAnchor(element);
    setOpen(true);
  };

  const child = cloneElement(children, {
    title: !open && typeof title === 'string' ? title : own.title,
    'aria-describedby': open ? id : own['aria-describedby'],
    onMouseOver: event => {
      own.onMouseOver?.(event);
      show(event.currentTarget);
    },
    onMouseLeave: event => {
      own.onMouseLeave?.(event);
      setOpen(false);
    },
    onFocus: event => {
      own.onFocus?.(event);
      show(event.currentTarget);
    },
    onBlur: event => {
      own.onBlur?.(event);
      setOpen(false);
    },
  });
  return (
    <>
      {child}
      {anchor && (
        // Opened and closed from the child's events above; the Tooltip's
        // own child is a hidden stand-in, its popper placed on the child.
        <Tooltip
          id={id}
          title={title}
          open={open}
          disableHoverListener
          disableFocusListener
          disableTouchListener
          PopperProps={{ anchorEl: anchor }}
        >
          <span hidden />
        </Tooltip>
      )}
    </>
  );
}
