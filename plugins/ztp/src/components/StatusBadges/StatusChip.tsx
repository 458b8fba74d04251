import { ReactNode } from 'react';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { OnDemandTooltip } from '../OnDemandTooltip';

/** The colour family of a status: green, alert red, busy blue, or grey. */
export type StatusTone = 'ok' | 'error' | 'running' | 'neutral';

const useStyles = makeStyles(theme => ({
  chip: { margin: 0, fontWeight: theme.typography.fontWeightMedium as number },
  ok: {
    backgroundColor: theme.palette.status.ok,
    color: theme.palette.getContrastText(theme.palette.status.ok),
  },
  error: {
    backgroundColor: theme.palette.status.error,
    color: theme.palette.getContrastText(theme.palette.status.error),
  },
  running: {
    backgroundColor: theme.palette.status.running,
    color: theme.palette.getContrastText(theme.palette.status.running),
  },
  neutral: {},
}));

/** A small filled chip in the colour of its status, with an explaining tooltip. */
export function StatusChip(props: {
  label: string;
  tone: StatusTone;
  tooltip?: ReactNode;
  icon?: JSX.Element;
}) {
  const { label, tone, tooltip, icon } = props;
  const classes = useStyles();
  const chip = (
    <Chip
      size="small"
      label={label}
      icon={icon}
      data-tone={tone}
      className={`${classes.chip} ${classes[tone]}`}
    />
  );
  return tooltip ? (
    <OnDemandTooltip title={tooltip}>
      <span>{chip}</span>
    </OnDemandTooltip>
  ) : (
    chip
  );
}
