/*
 * The ZTP backend plugin on its own, to try its API and device door without
 * the portal: `yarn start` in this folder (it reads the repository's
 * app-config.yaml, so ZTP_SECRETS_KEY must be set). Sign-in and permissions
 * are mocked, so every request acts as an operator:
 *
 *   curl http://localhost:7007/api/ztp/devices
 *   curl http://127.0.0.1:7080/ztp/config/by-mac/52:54:00:0a:00:01
 *
 * The catalog is a fixed list with one device on loopback.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);

backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'dev-leaf-01',
          annotations: {
            'ztp.network/serial-number': 'FOC2148Z0AB',
            'ztp.network/platform': 'cisco-iosxe',
            'ztp.network/management-address': '127.0.10.101/24',
            'ztp.network/default-gateway': '127.0.10.1',
            'ztp.network/mac-address': '52:54:00:0a:00:01',
          },
        },
        spec: {
          type: 'network-device',
          owner: 'group:default/network-operators',
        },
      },
    ],
  }),
);

backend.add(import('../src'));

backend.start();
