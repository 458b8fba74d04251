import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  ztpImageUpgradePermission,
  type ZtpDevice,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';
import { describeError } from '../../lib/format';
import { useImageCompliance } from './useImageCompliance';
import { useImageUpgrade } from './useImageUpgrade';

/**
 * "Upgrade" for a Checked device that needs its approved image, shown to an
 * operator with ztp.image.upgrade; the Image badge then follows the upgrade.
 */
export function ImageUpgradeButton(props: { device: ZtpDevice }) {
  const { device } = props;
  const api = useApi(ztpApiRef);
  const permission = usePermission({ permission: ztpImageUpgradePermission });
  const image = useImageCompliance(device);
  const upgrade = useImageUpgrade(device.entityRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (
    permission.loading ||
    !permission.allowed ||
    image?.state !== 'upgrade-needed' ||
    device.serial.state !== 'checked' ||
    upgrade?.state === 'upgrading'
  ) {
    return null;
  }
  return (
    <span>
      <Button
        size="small"
        variant="outlined"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await api.upgradeImage(device.entityRef);
          } catch (e) {
            setError(describeError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        Upgrade to {image.approved}
      </Button>
      {error && (
        <Typography variant="caption" color="error" display="block">
          {error}
        </Typography>
      )}
    </span>
  );
}
