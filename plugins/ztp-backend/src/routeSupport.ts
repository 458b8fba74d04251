import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  ztpConfigPushPermission,
  ztpCredentialsRevealPermission,
  ztpDeviceReadPermission,
  ztpDeviceReplacePermission,
  ztpHostKeyAcceptPermission,
  ztpSerialUpdatePermission,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type express from 'express';
import type { z } from 'zod';

/** One message naming each problem of a request's input. */
export function inputProblem(error: z.ZodError): string {
  return error.issues
    .map(i => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** The device entity ref of a `/devices/:namespace/:name` route, lower case. */
export function entityRefFromParams(req: express.Request): string {
  const { namespace, name } = req.params;
  return `resource:${namespace}/${name}`.toLocaleLowerCase('en-US');
}

/**
 * Checks that the signed-in user of a request holds a permission and
 * returns their credentials; refuses with 403 otherwise.
 */
export function userAuthorizer(
  httpAuth: HttpAuthService,
  permissions: PermissionsService,
) {
  return async (
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials<{ type: 'user'; userEntityRef: string }>> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to ${describePermission(permission)}`,
      );
    }
    return credentials;
  };
}

function describePermission(permission: BasicPermission): string {
  switch (permission.name) {
    case ztpCredentialsRevealPermission.name:
      return 'reveal device local accounts';
    case ztpSerialUpdatePermission.name:
      return 'check or correct device serials';
    case ztpDeviceReplacePermission.name:
      return 'replace or re-provision devices';
    case ztpConfigPushPermission.name:
      return 'preview or push final configurations';
    case ztpHostKeyAcceptPermission.name:
      return "accept devices' new SSH host keys";
    case ztpDeviceReadPermission.name:
      return 'read the ZTP queue';
    default:
      return `use ${permission.name}`;
  }
}
