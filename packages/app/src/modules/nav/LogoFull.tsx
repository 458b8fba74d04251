import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  title: {
    color: '#7df3e1',
    fontSize: 22,
    fontWeight: 700,
    lineHeight: '30px',
    whiteSpace: 'nowrap',
  },
});

/** The portal's name (app.title, "ZTP Portal") at the top of the open sidebar. */
export const LogoFull = () => {
  const classes = useStyles();
  const title =
    useApi(configApiRef).getOptionalString('app.title') ?? 'ZTP Portal';
  return <span className={classes.title}>{title}</span>;
};
