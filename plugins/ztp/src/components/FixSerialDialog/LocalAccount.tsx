import { useState } from 'react';
import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type {
  ZtpDevice,
  ZtpLocalAccount,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError, sshCommand } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    alignItems: 'center',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
  },
  value: {
    fontFamily: theme.typography.fontFamily,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    minHeight: 36,
  },
  mono: {
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    wordBreak: 'break-all',
  },
  command: {
    fontFamily: 'monospace',
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
  },
}));

/**
 * The device's generated local account: username, password hidden until
 * revealed (an audited call), copy buttons and a ready-to-paste ssh command.
 */
export function LocalAccount(props: { device: ZtpDevice; canReveal: boolean }) {
  const { device, canReveal } = props;
  const classes = useStyles();
  const api = useApi(ztpApiRef);
  const [account, setAccount] = useState<ZtpLocalAccount>();
  const [revealing, setRevealing] = useState(false);
  const [error, setError] = useState<string>();

  const reveal = async () => {
    setRevealing(true);
    setError(undefined);
    try {
      setAccount(await api.revealCredentials(device.entityRef));
    } catch (e) {
      setError(`Could not reveal the password: ${describeError(e)}`);
    } finally {
      setRevealing(false);
    }
  };

  const username = account?.username ?? device.localUsername;
  const command = sshCommand(device, username);

  return (
    <Box>
      <Typography variant="subtitle2" gutterBottom>
        Local account
      </Typography>
      <div className={classes.grid}>
        <Typography variant="body2" color="textSecondary">
          Username
        </Typography>
        <div className={classes.value}>
          <span className={classes.mono}>{username}</span>
          <CopyTextButton
            variant="tertiary"
            text={username}
            aria-label="Copy username"
          />
        </div>

        <Typography variant="body2" color="textSecondary">
          Password
        </Typography>
        <div className={classes.value}>
          {account ? (
            <>
              <span className={classes.mono} data-testid="revealed-password">
                {account.password}
              </span>
              <CopyTextButton
                variant="tertiary"
                text={account.password}
                aria-label="Copy password"
              />
              <Button size="small" onClick={() => setAccount(undefined)}>
                Hide
              </Button>
            </>
          ) : (
            <>
              <span className={classes.mono} aria-label="Password hidden">
                ••••••••
              </span>
              {canReveal ? (
                <Button
                  size="small"
                  color="primary"
                  onClick={reveal}
                  disabled={revealing}
                  startIcon={
                    revealing ? <CircularProgress size={14} /> : undefined
                  }
                >
                  Reveal
                </Button>
              ) : (
                <Typography variant="caption" color="textSecondary">
                  You are not allowed to reveal it
                </Typography>
              )}
            </>
          )}
        </div>

        <Typography variant="body2" color="textSecondary">
          Connect with
        </Typography>
        <div className={classes.value}>
          <code className={classes.command}>{command}</code>
          <CopyTextButton
            variant="tertiary"
            text={command}
            aria-label="Copy ssh command"
          />
        </div>
      </div>
      {error && (
        <Alert severity="error" style={{ marginTop: 8 }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}
