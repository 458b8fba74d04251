import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type {
  PermissionPolicy,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  ztpConfigPushPermission,
  ztpCredentialsRevealPermission,
  ztpDeviceReadPermission,
  ztpSerialUpdatePermission,
  ztpHostKeyAcceptPermission,
  ztpDeviceReplacePermission,
  ztpImageOverridePermission,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { createPermission } from '@backstage/plugin-permission-common';
import permissionPolicyModule, {
  listensOnLoopbackOnly,
  ZtpPortalPermissionPolicy,
} from './permissionPolicy';

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
  ztpDeviceReplacePermission,
  ztpImageOverridePermission,
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

describe('guest operator rights and the listen address', () => {
  const guest = user('user:default/guest', 'group:default/network-operators');
  const push = { permission: ztpConfigPushPermission };

  /** The policy as the backend installs it, from the given config. */
  async function installedPolicy(config: object): Promise<PermissionPolicy> {
    let installed: PermissionPolicy | undefined;
    await startTestBackend({
      extensionPoints: [
        [policyExtensionPoint, { setPolicy: p => (installed = p) }],
      ],
      features: [
        permissionPolicyModule,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    return installed!;
  }

  it('takes guest for an operator while the backend listens on loopback', async () => {
    const policy = await installedPolicy({
      backend: { listen: { host: '127.0.0.1', port: 7007 } },
    });
    expect((await policy.handle(push, guest)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('gives guest no operator rights on a non-loopback listen host', async () => {
    // Only read from config: the test backend binds its own port.
    for (const listen of [
      { host: '198.18.0.7', port: 7007 },
      '198.18.0.7:7007',
      ':7007',
      { port: 7007 },
    ]) {
      const policy = await installedPolicy({ backend: { listen } });
      for (const permission of operatorOnly) {
        expect((await policy.handle({ permission }, guest)).result).toBe(
          AuthorizeResult.DENY,
        );
      }
      // A real operator keeps the rights, and guest may still read.
      expect(
        (
          await policy.handle(
            push,
            user('user:default/jane', 'group:default/network-operators'),
          )
        ).result,
      ).toBe(AuthorizeResult.ALLOW);
      expect(
        (await policy.handle({ permission: ztpDeviceReadPermission }, guest))
          .result,
      ).toBe(AuthorizeResult.ALLOW);
    }
  });

  it('reads which user is the guest from the guest provider config', async () => {
    const policy = await installedPolicy({
      backend: { listen: ':7007' },
      auth: { providers: { guest: { userEntityRef: 'user:default/visitor' } } },
    });
    const visitor = user(
      'user:default/visitor',
      'group:default/network-operators',
    );
    expect((await policy.handle(push, visitor)).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('checks the listen address the way Backstage reads it', () => {
    const on = (listen: JsonValue) =>
      listensOnLoopbackOnly(new ConfigReader({ backend: { listen } }));
    expect(on({ host: '127.0.0.1', port: 7007 })).toBe(true);
    expect(on('127.0.0.1:7007')).toBe(true);
    expect(on({ host: 'localhost' })).toBe(true);
    expect(on({ host: '0.0.0.0' })).toBe(false);
    expect(on({ host: '' })).toBe(false);
    expect(on({ host: '198.18.0.7' })).toBe(false);
    expect(listensOnLoopbackOnly(new ConfigReader({}))).toBe(false);
  });
});

describe("the portal's own configuration files", () => {
  const root = path.resolve(__dirname, '../../../..');
  const read = (file: string) =>
    yaml.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  const guest = user('user:default/guest', 'group:default/network-operators');
  const push = { permission: ztpConfigPushPermission };

  it('embedded default: listens on loopback, so the guest may operate', async () => {
    const config = new ConfigReader(read('app-config.yaml'));
    expect(listensOnLoopbackOnly(config)).toBe(true);
    const policy = ZtpPortalPermissionPolicy.fromConfig(config);
    expect((await policy.handle(push, guest)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('production: every interface, a real sign-in, and no operator rights for guest', async () => {
    const config = ConfigReader.fromConfigs([
      { context: 'app-config.yaml', data: read('app-config.yaml') },
      {
        context: 'app-config.production.yaml',
        data: read('app-config.production.yaml'),
      },
    ]);
    expect(listensOnLoopbackOnly(config)).toBe(false);
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.has('auth.providers.github.production.clientId')).toBe(true);
    const policy = ZtpPortalPermissionPolicy.fromConfig(config);
    expect((await policy.handle(push, guest)).result).toBe(
      AuthorizeResult.DENY,
    );
  });
});
