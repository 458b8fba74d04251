import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
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
} from '@ztp-portal/backstage-plugin-ztp-common';

/** Operators, unless ztp.permissions.operators in config says otherwise. */
export const DEFAULT_ZTP_OPERATORS = ['group:default/network-operators'];

const OPERATOR_PERMISSIONS = new Set([
  ztpCredentialsRevealPermission.name,
  ztpSerialUpdatePermission.name,
  ztpConfigPushPermission.name,
  ztpHostKeyAcceptPermission.name,
]);

/**
 * The portal's policy. Every signed-in user may read the catalog and the ZTP
 * queue; only ZTP operators (users or members of groups listed in
 * ztp.permissions.operators) may reveal device accounts, correct serials and
 * push configurations. Other plugins' permissions are allowed.
 */
export class ZtpPortalPermissionPolicy implements PermissionPolicy {
  private readonly operators: Set<string>;

  constructor(operators: string[]) {
    this.operators = new Set(operators.map(r => r.toLocaleLowerCase('en-US')));
  }

  static fromConfig(config: Config): ZtpPortalPermissionPolicy {
    return new ZtpPortalPermissionPolicy(
      config.getOptionalStringArray('ztp.permissions.operators') ??
        DEFAULT_ZTP_OPERATORS,
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (OPERATOR_PERMISSIONS.has(name)) {
      const refs = user?.info.ownershipEntityRefs ?? [];
      const isOperator = refs.some(r =>
        this.operators.has(r.toLocaleLowerCase('en-US')),
      );
      return {
        result: isOperator ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
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
