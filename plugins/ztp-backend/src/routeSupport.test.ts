import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ztpConfigPushPermission,
  ztpDeviceReadPermission,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type express from 'express';
import { z } from 'zod';
import {
  entityRefFromParams,
  inputProblem,
  userAuthorizer,
} from './routeSupport';

function request(headers: Record<string, string>, params = {}) {
  return { headers, params } as unknown as express.Request;
}

function permissionsAnswering(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  return mockServices.permissions.mock({
    authorize: async requests => requests.map(() => ({ result })),
  });
}

describe('routeSupport', () => {
  const user = mockCredentials.user('user:default/ops');
  const signedIn = request({
    authorization: mockCredentials.user.header('user:default/ops'),
  });

  it('returns the credentials of a user who holds the permission', async () => {
    const authorize = userAuthorizer(
      mockServices.httpAuth(),
      permissionsAnswering(AuthorizeResult.ALLOW),
    );
    expect(await authorize(signedIn, ztpDeviceReadPermission)).toEqual(user);
  });

  it('refuses with 403 naming what the permission allows, one wording per permission', async () => {
    const authorize = userAuthorizer(
      mockServices.httpAuth(),
      permissionsAnswering(AuthorizeResult.DENY),
    );
    await expect(
      authorize(signedIn, ztpDeviceReadPermission),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'You are not allowed to read the ZTP queue',
    });
    await expect(
      authorize(signedIn, ztpConfigPushPermission),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'You are not allowed to preview or push final configurations',
    });
  });

  it('refuses a request without a user', async () => {
    const authorize = userAuthorizer(
      mockServices.httpAuth(),
      permissionsAnswering(AuthorizeResult.ALLOW),
    );
    await expect(
      authorize(
        request({ authorization: mockCredentials.service.header() }),
        ztpDeviceReadPermission,
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('reads the device ref of a route in lower case', () => {
    expect(
      entityRefFromParams(
        request({}, { namespace: 'Default', name: 'Leaf-01' }),
      ),
    ).toBe('resource:default/leaf-01');
  });

  it('names each problem of an input with its path', () => {
    const parsed = z
      .object({ newSerial: z.string(), limit: z.number().max(5) })
      .safeParse({ limit: 9 });
    if (parsed.success) throw new Error('the input should not parse');
    expect(inputProblem(parsed.error)).toBe(
      'newSerial: Invalid input: expected string, received undefined; limit: Too big: expected number to be <=5',
    );
  });
});
