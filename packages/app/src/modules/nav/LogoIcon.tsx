import RouterIcon from '@material-ui/icons/Router';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  icon: { color: '#7df3e1', fontSize: 28 },
});

/** The closed sidebar's logo: the ZTP page's router icon. */
export const LogoIcon = () => {
  const classes = useStyles();
  return <RouterIcon className={classes.icon} titleAccess="ZTP Portal" />;
};
