import { useEffect, useState } from 'react';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  ZtpDevice,
  ZtpFinalConfigPreview,
  ZtpPushResult,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError, deviceLabel } from '../../lib/format';
import { WRAP_TEXT } from '../../lib/wrapText';
import { ConfFinalBadge } from '../StatusBadges';
import {
  ImageOverridePush,
  imageRefusal,
  useImageCompliance,
} from '../ImageStatus';

type PushOutcome =
  | { kind: 'result'; result: ZtpPushResult }
  | { kind: 'error'; message: string };

function PushOutcomeAlert(props: { outcome: PushOutcome; name: string }) {
  const { outcome, name } = props;
  if (outcome.kind === 'error') {
    return <Alert severity="error">The push failed: {outcome.message}</Alert>;
  }
  const { result } = outcome;
  if (result.ok) {
    return (
      <Alert severity="success">Final configuration pushed to {name}.</Alert>
    );
  }
  return (
    <Alert severity="error">
      The push failed: {result.error ?? 'no reason given'}.
      {result.rolledBack ? ' The previous configuration was restored.' : ''}
    </Alert>
  );
}

/** The rendered configuration and its diff against the running one. */
function ConfigPreview(props: { preview: ZtpFinalConfigPreview }) {
  const { preview } = props;
  const [tab, setTab] = useState<'rendered' | 'diff'>('rendered');
  return (
    <Box>
      <Tabs
        value={tab}
        onChange={(_, v) => setTab(v)}
        indicatorColor="primary"
        aria-label="Final configuration preview"
      >
        <Tab value="rendered" label="Rendered configuration" />
        <Tab value="diff" label="Diff against running" />
      </Tabs>
      <Box mt={1}>
        {tab === 'rendered' ? (
          <CodeSnippet
            text={preview.rendered}
            language="text"
            showLineNumbers
            showCopyCodeButton
          />
        ) : (
          <>
            {preview.runningError && (
              <Alert severity="warning" style={{ marginBottom: 8 }}>
                The running configuration could not be read:{' '}
                {preview.runningError}
              </Alert>
            )}
            {preview.diff ? (
              <CodeSnippet text={preview.diff} language="diff" />
            ) : (
              !preview.runningError && (
                <Typography color="textSecondary">
                  The running configuration already matches.
                </Typography>
              )
            )}
          </>
        )}
      </Box>
    </Box>
  );
}

/**
 * Conf Final: preview the production configuration and push it, once the
 * serial is Checked, after a confirmation.
 */
export function FinalConfigCard(props: {
  device: ZtpDevice;
  canPush: boolean;
  onDeviceUpdated: (device: ZtpDevice) => void;
}) {
  const { device, canPush, onDeviceUpdated } = props;
  const api = useApi(ztpApiRef);
  const name = deviceLabel(device);

  const [preview, setPreview] = useState<ZtpFinalConfigPreview>();
  const [previewError, setPreviewError] = useState<string>();
  const [previewing, setPreviewing] = useState(false);

  // Whether the configuration can be rendered at all (no login to the
  // device): a push that cannot work is not offered.
  const [renderProblem, setRenderProblem] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [pushing, setPushing] = useState(false);
  const [outcome, setOutcome] = useState<PushOutcome>();

  // The image gate of the server: Upgrade needed is refused.
  const image = useImageCompliance(device);
  const checked = device.serial.state === 'checked';
  const provisioned = device.confFinal.state === 'pushed';
  const renderable = canPush && checked && !provisioned && device.inCatalog;
  useEffect(() => {
    if (!renderable) return undefined;
    const controller = new AbortController();
    api
      .getFinalConfig(device.entityRef, {
        running: false,
        signal: controller.signal,
      })
      .then(
        () => setRenderProblem(undefined),
        e => {
          if (!controller.signal.aborted) setRenderProblem(describeError(e));
        },
      );
    return () => controller.abort();
  }, [api, device.entityRef, renderable]);

  const loadPreview = async () => {
    setPreviewing(true);
    setPreviewError(undefined);
    try {
      setPreview(await api.getFinalConfig(device.entityRef));
    } catch (e) {
      setPreviewError(describeError(e));
    } finally {
      setPreviewing(false);
    }
  };

  const push = async () => {
    setPushing(true);
    setOutcome(undefined);
    try {
      const result = await api.pushFinalConfig(device.entityRef);
      if (result.device) onDeviceUpdated(result.device);
      setOutcome({ kind: 'result', result });
      // What is shown must be current: the preview and diff of before the
      // push are read again.
      if (preview || previewError) await loadPreview();
    } catch (e) {
      setOutcome({ kind: 'error', message: describeError(e) });
    } finally {
      setPushing(false);
    }
  };

  const inProgress = pushing || device.confFinal.state === 'pushing';
  let why: string | undefined;
  if (!canPush) why = 'You are not allowed to push configurations.';
  else if (provisioned)
    why =
      'Already Provisioned: the final configuration was pushed and the bootstrap account removed, so the portal can no longer log in to this device.';
  else if (!checked)
    why = 'Conf Final (Push) is available once the serial is Checked.';
  else if (!device.inCatalog) why = 'The device left the catalog.';
  else if (renderProblem)
    why = `The final configuration cannot be rendered: ${renderProblem}`;
  const imageRefused = !why && imageRefusal(image);
  if (imageRefused) why = imageRefused;
  const canPushNow = !why && !inProgress;

  return (
    <InfoCard
      title="Conf Final"
      subheader="The full production configuration: interfaces, routing, security policies"
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
      >
        <ConfFinalBadge confFinal={device.confFinal} />
        <Button
          variant="contained"
          color="primary"
          disabled={!canPushNow}
          onClick={() => {
            setOutcome(undefined);
            setConfirming(true);
          }}
        >
          Conf Final (Push)
        </Button>
        {canPush && (
          <Button
            variant="outlined"
            onClick={loadPreview}
            disabled={previewing}
            startIcon={previewing ? <CircularProgress size={16} /> : null}
          >
            {preview ? 'Refresh preview' : 'Preview configuration'}
          </Button>
        )}
        {imageRefused && image && (
          <ImageOverridePush
            device={device}
            image={image}
            disabled={inProgress}
            onPushed={result => {
              if (result.device) onDeviceUpdated(result.device);
              setOutcome({ kind: 'result', result });
            }}
          />
        )}
        {why && (
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="push-disabled-reason"
            style={WRAP_TEXT}
          >
            {why}
          </Typography>
        )}
      </Box>
      {device.confFinal.state === 'failed' && device.confFinal.error && (
        <Alert severity="error" style={{ marginTop: 16 }}>
          Last push failed: {device.confFinal.error}
        </Alert>
      )}
      {outcome && !confirming && (
        <Box mt={2}>
          <PushOutcomeAlert outcome={outcome} name={name} />
        </Box>
      )}
      {previewError && (
        <Alert severity="error" style={{ marginTop: 16 }}>
          Could not render the final configuration: {previewError}
        </Alert>
      )}
      {preview && (
        <Box mt={2}>
          <ConfigPreview preview={preview} />
        </Box>
      )}

      <Dialog
        open={confirming}
        onClose={pushing ? undefined : () => setConfirming(false)}
        aria-labelledby="ztp-push-title"
      >
        <DialogTitle id="ztp-push-title">
          Conf Final (Push) to {name}?
        </DialogTitle>
        <DialogContent>
          {!outcome && !pushing && (
            <DialogContentText>
              This deploys the full production configuration (interfaces,
              routing, security policies) to {name} at {device.managementIp}.
            </DialogContentText>
          )}
          {pushing && (
            <Box
              display="flex"
              alignItems="center"
              style={{ gap: 12 }}
              role="status"
            >
              <CircularProgress size={20} />
              <Typography>Pushing the final configuration…</Typography>
            </Box>
          )}
          {outcome && <PushOutcomeAlert outcome={outcome} name={name} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} disabled={pushing}>
            {outcome ? 'Close' : 'Cancel'}
          </Button>
          {!outcome && (
            <Button
              color="primary"
              variant="contained"
              onClick={push}
              disabled={pushing}
            >
              Push
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </InfoCard>
  );
}
