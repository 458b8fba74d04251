import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  ztpConfigPushPermission,
  ztpCredentialsRevealPermission,
  ztpDeviceReadPermission,
  ztpSerialUpdatePermission,
  ztpHostKeyAcceptPermission,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { createPermission } from '@backstage/plugin-permission-common';
import { ZtpPortalPermissionPolicy } from './permissionPolicy';

function user(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as PolicyQueryUser;
}

const operatorOnly = [
  ztpCredentialsRevealPermission,
  ztpSerialUpdatePermission,
  ztpConfigPushPermission,
  ztpHostKeyAcceptPermission,
];

describe('ZtpPortalPermissionPolicy', () => {
  const policy = ZtpPortalPermissionPolicy.fromConfig(new ConfigReader({}));
  const operator = user('user:default/jane', 'group:default/network-operators');
  const viewer = user('user:default/bob', 'group:default/network-viewers');

  it('lets members of network-operators reveal, fix serials and push by default', async () => {
    for (const permission of operatorOnly) {
      expect(await policy.handle({ permission }, operator)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await policy.handle({ permission }, viewer)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('lets every signed-in user read the queue, and nobody else', async () => {
    const read = { permission: ztpDeviceReadPermission };
    expect((await policy.handle(read, viewer)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect((await policy.handle(read, undefined)).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('takes the operators from config', async () => {
    const custom = ZtpPortalPermissionPolicy.fromConfig(
      new ConfigReader({
        ztp: { permissions: { operators: ['user:default/Bob'] } },
      }),
    );
    const push = { permission: ztpConfigPushPermission };
    expect((await custom.handle(push, viewer)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect((await custom.handle(push, operator)).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it("leaves other plugins' permissions allowed", async () => {
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect((await policy.handle({ permission: other }, viewer)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
