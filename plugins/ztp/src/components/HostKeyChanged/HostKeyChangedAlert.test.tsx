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
import { makeDevice, makeEvent } from '../../__testUtils__/fixtures';
import { EntityZtpContent } from '../EntityZtpContent';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// The ZTP tab of a device that presented a new host key, for an operator
// allowed to accept it. (One permission setup per file.)
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

const REF = 'resource:default/leaf-01';
const DEVICE_URL = `${ZTP_API}/devices/default/leaf-01`;
const PINNED = `SHA256:${'p'.repeat(43)}`;
const PRESENTED = `SHA256:${'n'.repeat(43)}`;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'leaf-01', namespace: 'default' },
  spec: { type: 'network-device', owner: 'group:default/network-operators' },
};

const changed = makeDevice('leaf-01', {
  serial: {
    state: 'not-checked',
    reason: `host key changed: presented host key ${PRESENTED}`,
    hostKeyFingerprint: PINNED,
    presentedHostKeyFingerprint: PRESENTED,
  },
});

function serve(device: ZtpDevice) {
  server.use(
    http.get(DEVICE_URL, () =>
      HttpResponse.json({ device, events: [makeEvent(1, REF)] }),
    ),
    // Conf Final's card asks whether the configuration renders (no login).
    http.get(`${DEVICE_URL}/final-config`, () =>
      HttpResponse.json({ rendered: 'hostname leaf-01\n' }),
    ),
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

describe('HostKeyChangedAlert on the ZTP tab', () => {
  it('shows nothing while the device presents its pinned key', async () => {
    serve(makeDevice('leaf-01', { serial: { hostKeyFingerprint: PINNED } }));
    await renderTab();
    expect(screen.queryByText('Host key changed')).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Accept the new host key' }),
    ).toBeNull();
  });

  it('shows both fingerprints, and accepting the presented key pins it and shows the check', async () => {
    serve(changed);
    const accepted: unknown[] = [];
    server.use(
      http.post(`${DEVICE_URL}/host-key/accept`, async ({ request }) => {
        accepted.push(await request.json());
        return HttpResponse.json({
          outcome: 'checked',
          device: makeDevice('leaf-01', {
            serial: {
              state: 'checked',
              presentedSerial: 'TMP0001',
              hostKeyFingerprint: PRESENTED,
            },
          }),
        });
      }),
    );
    await renderTab();
    const alert = (await screen.findByText('Host key changed')).closest(
      '[role="alert"]',
    ) as HTMLElement;
    expect(alert).toHaveTextContent(PINNED);
    expect(alert).toHaveTextContent(PRESENTED);

    await userEvent.click(
      within(alert).getByRole('button', { name: 'Accept the new host key' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('pinned-key')).toHaveTextContent(PINNED);
    expect(within(dialog).getByTestId('presented-key')).toHaveTextContent(
      PRESENTED,
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Accept the new host key' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(accepted).toEqual([{ fingerprint: PRESENTED }]);
    // The device as the backend returned it: Checked, the alert gone.
    expect(screen.queryByText('Host key changed')).toBeNull();
    expect(screen.getByText('Checked')).toBeInTheDocument();
  });

  it("keeps the dialog open with the backend's reason when the key changed again", async () => {
    serve(changed);
    server.use(
      http.post(`${DEVICE_URL}/host-key/accept`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: `${REF} now presents host key SHA256:other, not the one you accepted: compare it and accept again`,
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Accept the new host key' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Accept the new host key' }),
    );
    expect(
      await within(dialog).findByText(/now presents host key SHA256:other/),
    ).toBeInTheDocument();
  });
});
