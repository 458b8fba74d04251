import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ztpImageUpgradePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError } from '../../lib/format';

/**
 * "Upgrade" of the selected devices, for an operator with
 * ztp.image.upgrade: the devices that can be upgraded start, the others
 * are listed with why.
 */
export function BulkUpgradeAction(props: { entityRefs: string[] }) {
  const api = useApi(ztpApiRef);
  const permission = usePermission({ permission: ztpImageUpgradePermission });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{
    started: string[];
    refused: { entityRef: string; reason: string }[];
  }>();
  const [error, setError] = useState<string>();
  if (permission.loading || !permission.allowed) return null;
  return (
    <div>
      <Button
        variant="outlined"
        disabled={busy || !props.entityRefs.length}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            setResult(await api.upgradeImages(props.entityRefs));
          } catch (e) {
            setError(describeError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        Upgrade ({props.entityRefs.length})
      </Button>
      {error && <Alert severity="error">{error}</Alert>}
      {result && (
        <Alert severity={result.refused.length ? 'warning' : 'info'}>
          <Typography variant="body2">
            Upgrading {result.started.length} device(s).
          </Typography>
          {result.refused.map(r => (
            <Typography variant="body2" key={r.entityRef}>
              {r.reason}
            </Typography>
          ))}
        </Alert>
      )}
    </div>
  );
}
