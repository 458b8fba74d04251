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
import {
  backendError,
  makeDevice,
  makeEvent,
} from '../../__testUtils__/fixtures';
import { EntityZtpContent } from '../EntityZtpContent';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// An operator allowed to replace. (usePermission caches answers in a
// module-wide SWR cache, hence the denied case in a file of its own.)
const server = setupServer(
  ...installedPlatformHandlers(),
  ...idleQueueHandlers(),
);
registerMswTestHooks(server);

const REF = 'resource:default/leaf-01';
const DEVICE_URL = `${ZTP_API}/devices/default/leaf-01`;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'leaf-01', namespace: 'default' },
  spec: { type: 'network-device', owner: 'group:default/network-operators' },
};

const provisioned = makeDevice('leaf-01', {
  expectedSerial: 'FOC2148Z0AB',
  macAddress: '52:54:00:0a:00:11',
  serial: { state: 'checked', presentedSerial: 'FOC2148Z0AB' },
  confFinal: { state: 'pushed' },
});

const replaced = makeDevice('leaf-01', {
  expectedSerial: 'FOC2999Z0ZZ',
  confMin: { state: 'not-loaded', fetchCount: 0 },
  serial: { state: 'not-checked', presentedSerial: undefined },
  localUsername: 'ztp-new',
  replacement: {
    kind: 'replacement',
    requestedBy: 'user:default/jane',
    requestedAt: '2026-12-03T10:00:00.000Z',
    previousSerial: 'FOC2148Z0AB',
    learnSerial: false,
    autoPush: true,
  },
});

function serve(device: ZtpDevice) {
  server.use(
    http.get(DEVICE_URL, () =>
      HttpResponse.json({ device, events: [makeEvent(1, REF)] }),
    ),
  );
}

async function renderTab() {
  const apis = ztpTestApis();
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityZtpContent />
    </EntityProvider>,
    { apis },
  );
  await screen.findByText('Timeline');
  await screen.findByRole('button', { name: 'Replace device' });
}

describe('Replace device and Re-provision on the ZTP tab', () => {
  it('replaces the device with the new serial and MAC and shows where the replacement stands', async () => {
    serve(provisioned);
    const sent: unknown[] = [];
    server.use(
      http.post(`${DEVICE_URL}/replace`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json(replaced);
      }),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Replace device' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent("The old box's serial is FOC2148Z0AB");
    await userEvent.type(
      within(dialog).getByLabelText('New Serial'),
      'FOC2999Z0ZZ',
    );
    await userEvent.type(
      within(dialog).getByLabelText('New MAC'),
      '52:54:00:0a:99:11',
    );
    serve(replaced);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replace device' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(sent).toEqual([
      { newSerial: 'FOC2999Z0ZZ', newMacAddress: '52:54:00:0a:99:11' },
    ]);
    expect(await screen.findByLabelText('Replacement')).toHaveTextContent(
      'Replacement of the box with serial FOC2148Z0AB, by user:default/jane',
    );
    expect(screen.getByLabelText('Replacement')).toHaveTextContent(
      'waiting for the device to load Conf Min and be Checked',
    );
  });

  it("shows the backend's refusal in the dialog and keeps it open", async () => {
    serve(provisioned);
    server.use(
      http.post(`${DEVICE_URL}/replace`, () =>
        HttpResponse.json(
          ...backendError(
            400,
            'Serial FOC1 is already the serial of resource:default/leaf-02',
            'InputError',
          ),
        ),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Replace device' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('New Serial'), 'FOC1');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Replace device' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'already the serial of resource:default/leaf-02',
    );
  });

  it('re-provisions a stuck device with the reason the operator gives', async () => {
    serve(
      makeDevice('leaf-01', {
        serial: { state: 'not-checked', presentedSerial: undefined },
        lastEvent: makeEvent(3, REF, {
          type: 'confmin.fetched',
          message: 'Minimal configuration fetched from 127.0.10.11',
        }),
        stuck: {
          since: '2026-12-03T08:00:00.000Z',
          minutes: 125,
          state: 'Conf Min Loaded, Serial Not Checked',
        },
      }),
    );
    const sent: unknown[] = [];
    server.use(
      http.post(`${DEVICE_URL}/reprovision`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json(
          makeDevice('leaf-01', {
            confMin: { state: 'not-loaded' },
            serial: { state: 'not-checked' },
            replacement: {
              ...replaced.replacement!,
              kind: 'reprovision',
            },
          }),
        );
      }),
    );
    await renderTab();
    expect(await screen.findByLabelText('Stuck device')).toHaveTextContent(
      'Stuck: Conf Min Loaded, Serial Not Checked for 2 h 05 min; last: Minimal configuration fetched from 127.0.10.11',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Re-provision' }));
    const dialog = await screen.findByRole('dialog');
    const submit = within(dialog).getByRole('button', { name: 'Re-provision' });
    expect(submit).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Reason'),
      'zeroized by the field team',
    );
    await userEvent.click(submit);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(sent).toEqual([{ reason: 'zeroized by the field team' }]);
    expect(await screen.findByLabelText('Replacement')).toHaveTextContent(
      'Re-provision, by user:default/jane',
    );
  });
});
