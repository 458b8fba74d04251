import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice } from '../../__testUtils__/fixtures';
import { EntityZtpContent } from '../EntityZtpContent';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// The operator may push and override the image gate. (One permission setup
// per file: usePermission caches answers module-wide.)
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
const outdated = makeDevice('leaf-02', {
  platform: 'arista-eos',
  serial: { state: 'checked', presentedSerial: 'SSJ17371234' },
  expectedSerial: 'SSJ17371234',
  software: { runningVersion: '4.31.2F', model: 'DCS-7050SX3-48YC8' },
});

let pushBodies: unknown[];

function serve(device: ZtpDevice) {
  pushBodies = [];
  server.use(
    http.get(DEVICE_URL, () => HttpResponse.json({ device, events: [] })),
    http.get(`${DEVICE_URL}/final-config`, () =>
      HttpResponse.json({ rendered: 'hostname leaf-02\n' }),
    ),
    http.get(`${ZTP_API}/images`, () =>
      HttpResponse.json({ images: APPROVED }),
    ),
    http.post(`${DEVICE_URL}/final-config/push`, async ({ request }) => {
      const body = await request.text();
      pushBodies.push(body ? JSON.parse(body) : undefined);
      return HttpResponse.json({
        ok: true,
        device: {
          ...device,
          confFinal: { state: 'pushed', pushedAt: '2026-01-10T10:06:00.000Z' },
        },
      });
    }),
  );
}

async function renderTab() {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityZtpContent />
    </EntityProvider>,
    { apis: ztpTestApis() },
  );
  await screen.findByText('Timeline');
}

describe('Conf Final (Push) of a device not on its approved image', () => {
  it('is disabled with the reason, and pushed anyway with the override after a confirmation', async () => {
    serve(outdated);
    await renderTab();
    // The Image of the ZTP status card.
    expect(
      (await screen.findAllByText('Upgrade needed')).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('4.31.2F → 4.32.0F')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Conf Final (Push)' }),
    ).toBeDisabled();
    expect(screen.getByTestId('push-disabled-reason')).toHaveTextContent(
      'Upgrade needed: the device runs 4.31.2F, not the approved image 4.32.0F. Conf Final (Push) is refused until it is upgraded.',
    );

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Push anyway (override image)',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'leaf-02 runs 4.31.2F, not the approved image 4.32.0F.',
    );
    // Cancel sends nothing.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(pushBodies).toEqual([]);

    await userEvent.click(
      screen.getByRole('button', { name: 'Push anyway (override image)' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Push anyway',
      }),
    );
    expect(
      await screen.findByText('Final configuration pushed to leaf-02.'),
    ).toBeInTheDocument();
    expect(pushBodies).toEqual([{ overrideImage: true }]);
  });

  it('says why the override failed when the server refuses it', async () => {
    serve(outdated);
    server.use(
      http.post(`${DEVICE_URL}/final-config/push`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'You are not allowed to push a device that does not run its approved image (ztp.image.override)',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Push anyway (override image)',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Push anyway' }),
    );
    expect(
      await within(dialog).findByText(/ztp\.image\.override/),
    ).toBeInTheDocument();
  });

  it('is offered normally for a compliant device, without the override', async () => {
    serve({
      ...outdated,
      software: { runningVersion: '4.32.0F', model: 'DCS-7050SX3-48YC8' },
    });
    await renderTab();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Conf Final (Push)' }),
      ).toBeEnabled(),
    );
    expect(await screen.findByText('Compliant')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Push anyway (override image)' }),
    ).toBeNull();
  });
});
