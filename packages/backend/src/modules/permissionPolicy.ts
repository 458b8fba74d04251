import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  ztpCredentialsRevealPermission,
  ztpConfigPushPermission,
  ztpDeviceReadPermission,
  ztpSerialUpdatePermission,
  ztpHostKeyAcceptPermission,
  ztpDeviceReplacePermission,
  ztpImageOverridePermission,
  ztpImageUpgradePermission,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** Operators, unless ztp.permissions.operators in config says otherwise. */
export const DEFAULT_ZTP_OPERATORS = ['group:default/network-operators'];

const OPERATOR_PERMISSIONS = new Set([
  ztpCredentialsRevealPermission.name,
  ztpSerialUpdatePermission.name,
  ztpConfigPushPermission.name,
  ztpHostKeyAcceptPermission.name,
  ztpDeviceReplacePermission.name,
  ztpImageOverridePermission.name,
  ztpImageUpgradePermission.name,
]);

/** The guest provider's user, unless auth.providers.guest says otherwise. */
export const DEFAULT_GUEST_USER = 'user:default/guest';

/**
 * Whether the backend only listens on loopback (backend.listen.host). An
 * empty or missing host means every interface, as Backstage binds it.
 */
export function listensOnLoopbackOnly(config: Config): boolean {
  const { host } = readHttpServerOptions(
    config.getOptionalConfig('backend'),
  ).listen;
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/**
 * The portal's policy. Every signed-in user may read the catalog and the ZTP
 * queue; only ZTP operators (users or members of groups listed in
 * ztp.permissions.operators) may reveal device accounts, correct serials and
 * push configurations. The guest user, who signs in without a password,
 * counts as an operator only while the backend listens on loopback alone:
 * once the portal is reachable from the network, guest can only read.
 * Other plugins' permissions are allowed.
 */
export class ZtpPortalPermissionPolicy implements PermissionPolicy {
  private readonly operators: Set<string>;
  private readonly guestUser: string;
  private readonly guestMayOperate: boolean;

  constructor(
    operators: string[],
    guest: { userEntityRef?: string; mayOperate: boolean } = {
      mayOperate: false,
    },
  ) {
    this.operators = new Set(operators.map(r => r.toLocaleLowerCase('en-US')));
    this.guestUser = (
      guest.userEntityRef ?? DEFAULT_GUEST_USER
    ).toLocaleLowerCase('en-US');
    this.guestMayOperate = guest.mayOperate;
  }

  static fromConfig(config: Config): ZtpPortalPermissionPolicy {
    return new ZtpPortalPermissionPolicy(
      config.getOptionalStringArray('ztp.permissions.operators') ??
        DEFAULT_ZTP_OPERATORS,
      {
        userEntityRef: config.getOptionalString(
          'auth.providers.guest.userEntityRef',
        ),
        mayOperate: listensOnLoopbackOnly(config),
      },
    );
  }

  private isOperator(user?: PolicyQueryUser): boolean {
    if (!user) return false;
    const isGuest =
      user.info.userEntityRef.toLocaleLowerCase('en-US') === this.guestUser;
    if (isGuest && !this.guestMayOperate) return false;
    return user.info.ownershipEntityRefs.some(r =>
      this.operators.has(r.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (OPERATOR_PERMISSIONS.has(name)) {
      return {
        result: this.isOperator(user)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (name === ztpDeviceReadPermission.name) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'ztp-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(ZtpPortalPermissionPolicy.fromConfig(config));
      },
    });
  },
});
