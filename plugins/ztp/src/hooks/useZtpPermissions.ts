import { usePermission } from '@backstage/plugin-permission-react';
import {
  ztpConfigPushPermission,
  ztpCredentialsRevealPermission,
  ztpSerialUpdatePermission,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** What the signed-in user may do besides reading the queue. */
export type ZtpPermissions = {
  canRevealCredentials: boolean;
  canUpdateSerial: boolean;
  canPushConfig: boolean;
};

/**
 * The user's ZTP actions, asked once per page rather than per row. Buttons
 * stay hidden while the answer loads; the backend checks again regardless.
 */
export function useZtpPermissions(): ZtpPermissions {
  const reveal = usePermission({ permission: ztpCredentialsRevealPermission });
  const update = usePermission({ permission: ztpSerialUpdatePermission });
  const push = usePermission({ permission: ztpConfigPushPermission });
  return {
    canRevealCredentials: !reveal.loading && reveal.allowed,
    canUpdateSerial: !update.loading && update.allowed,
    canPushConfig: !push.loading && push.allowed,
  };
}
