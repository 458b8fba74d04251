import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ztpImageOverridePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice } from '../../__testUtils__/fixtures';
import { EntityZtpContent } from '../EntityZtpContent';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// The operator may push but not override the image gate.
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

const DEVICE_URL = `${ZTP_API}/devices/default/leaf-02`;
const APPROVED = [
  {
    platform: 'arista-eos',
    modelFamily: '',
    version: '4.32.0F',
    file: 'EOS-4.32.0F.swi',
    size: 2048,
    sha256: 'b'.repeat(64),
    status: 'verified',
  },
];
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'leaf-02', namespace: 'default' },
  spec: { type: 'network-device', owner: 'group:default/network-operators' },
};

it('shows why Conf Final (Push) is refused, without the override, to an operator without ztp.image.override', async () => {
  server.use(
    http.get(DEVICE_URL, () =>
      HttpResponse.json({
        device: makeDevice('leaf-02', {
          platform: 'arista-eos',
          serial: { state: 'checked', presentedSerial: 'SSJ17371234' },
          expectedSerial: 'SSJ17371234',
          software: { runningVersion: '4.31.2F' },
        }),
        events: [],
      }),
    ),
    http.get(`${DEVICE_URL}/final-config`, () =>
      HttpResponse.json({ rendered: 'hostname leaf-02\n' }),
    ),
    http.get(`${ZTP_API}/images`, () =>
      HttpResponse.json({ images: APPROVED }),
    ),
  );
  const apis = ztpTestApis({ deny: [ztpImageOverridePermission.name] });
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityZtpContent />
    </EntityProvider>,
    { apis },
  );
  await screen.findByText('Timeline');
  await waitFor(() =>
    expect(apis.askedPermissions).toContain(ztpImageOverridePermission.name),
  );
  await waitFor(() =>
    expect(screen.getByTestId('push-disabled-reason')).toHaveTextContent(
      'Upgrade needed: the device runs 4.31.2F, not the approved image 4.32.0F.',
    ),
  );
  expect(
    screen.getByRole('button', { name: 'Conf Final (Push)' }),
  ).toBeDisabled();
  // The permission's answer has arrived: still no override offered.
  await new Promise(r => setTimeout(r, 50));
  expect(
    screen.queryByRole('button', { name: 'Push anyway (override image)' }),
  ).toBeNull();
});
