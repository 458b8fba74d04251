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
import {
  ZTP_QUEUE_CHANNEL,
  type ZtpDevice,
  type ZtpQueueSignal,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice, makeEvent } from '../../__testUtils__/fixtures';
import { MockSignalApi } from '../../__testUtils__/MockSignalApi';
import { EntityZtpContent } from './EntityZtpContent';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { idleQueueHandlers } from '../../__testUtils__/idleQueueHandlers';

// The user may check serials and push, but not reveal credentials. (One
// permission setup per file: usePermission caches answers module-wide.)
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

const events = [
  makeEvent(3, REF, {
    type: 'serial.mismatch',
    message: 'The device presented FOC2148Z0AB instead of TMP0001',
    at: '2026-01-10T10:00:00.000Z',
  }),
  makeEvent(2, REF, {
    type: 'confmin.fetched',
    actor: 'device:127.0.10.11',
    message: 'Minimal configuration fetched over HTTP',
    at: '2026-01-10T09:58:00.000Z',
  }),
  makeEvent(1, REF, {
    message: 'Declared in the catalog',
    at: '2026-01-10T09:00:00.000Z',
  }),
];

function serve(device: ZtpDevice, timeline = events) {
  server.use(
    http.get(DEVICE_URL, () => HttpResponse.json({ device, events: timeline })),
    // The card asks whether the configuration renders (no login).
    http.get(`${DEVICE_URL}/final-config`, () =>
      HttpResponse.json({ rendered: 'hostname leaf-01\n' }),
    ),
  );
}

async function renderTab(signals?: MockSignalApi) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityZtpContent />
    </EntityProvider>,
    { apis: ztpTestApis({ deny: ['ztp.credentials.reveal'], signals }) },
  );
  await screen.findByText('Timeline');
}

const pushButton = () =>
  screen.getByRole('button', { name: 'Conf Final (Push)' });

describe('EntityZtpContent', () => {
  it('shows the stages, the timeline newest first, and no push before the serial is Checked', async () => {
    serve(makeDevice('leaf-01'));
    await renderTab();
    expect(screen.getByText('Loaded')).toBeInTheDocument();
    expect(screen.getByText('Mismatch')).toBeInTheDocument();
    // Conf Final shows in the status card and in its own card.
    expect(screen.getAllByText('Not Pushed')).toHaveLength(2);

    const timeline = within(
      screen.getByRole('list', { name: 'Device timeline' }),
    );
    const items = timeline.getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Serial Mismatch');
    expect(items[0]).toHaveTextContent(
      'The device presented FOC2148Z0AB instead of TMP0001',
    );
    expect(items[1]).toHaveTextContent('Conf Min loaded');
    expect(items[1]).toHaveTextContent('device:127.0.10.11');
    expect(items[2]).toHaveTextContent('Declared in the catalog');

    expect(pushButton()).toBeDisabled();
    expect(
      screen.getByText(
        'Conf Final (Push) is available once the serial is Checked.',
      ),
    ).toBeInTheDocument();
  });

  it('opens the fix dialog from the gear, without Reveal for this user', async () => {
    serve(makeDevice('leaf-01'));
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Fix serial mismatch' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('wrong-serial')).toHaveTextContent(
      'TMP0001',
    );
    expect(
      within(dialog).getByLabelText('Password hidden'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Reveal' })).toBeNull();
    expect(
      within(dialog).getByText('ssh ztp-admin@127.0.10.11'),
    ).toBeInTheDocument();
  });

  it('runs Check Serial Now and shows what it found', async () => {
    serve(makeDevice('leaf-01'));
    server.use(
      http.post(`${DEVICE_URL}/serial-check`, () =>
        HttpResponse.json({
          outcome: 'checked',
          device: makeDevice('leaf-01', {
            serial: { state: 'checked' },
            updatedAt: '2026-01-10T10:05:00.000Z',
          }),
        }),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Check Serial Now' }),
    );
    expect(
      await screen.findByText('Serial Checked: the device is identified.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Checked').closest('[data-tone]')).toHaveAttribute(
      'data-tone',
      'ok',
    );
    await waitFor(() => expect(pushButton()).toBeEnabled());
  });

  it('says so when a check ended without logging in (the device was Provisioned meanwhile)', async () => {
    serve(makeDevice('leaf-01', { serial: { state: 'checked' } }));
    const reason =
      'no login attempted: resource:default/leaf-01 is Provisioned. Conf Final removed the bootstrap account ztp-0a0b0c, and the portal holds no password of the accounts the final configuration defines';
    server.use(
      http.post(`${DEVICE_URL}/serial-check`, () =>
        HttpResponse.json({
          outcome: 'checked',
          loggedIn: false,
          reason,
          device: makeDevice('leaf-01', {
            serial: { state: 'checked' },
            confFinal: { state: 'pushed' },
            updatedAt: '2026-01-10T10:07:00.000Z',
          }),
        }),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Check Serial Now' }),
    );
    expect(
      await screen.findByText(`Not checked again: ${reason}.`),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Serial Checked: the device is identified.'),
    ).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Check Serial Now' }),
    ).toBeDisabled();
  });

  it('pushes the final configuration of a Checked device after confirmation, and reports an error in words', async () => {
    serve(makeDevice('leaf-01', { serial: { state: 'checked' } }));
    let pushes = 0;
    server.use(
      http.post(`${DEVICE_URL}/final-config/push`, () => {
        pushes += 1;
        return HttpResponse.json(
          {
            error: {
              name: 'NotImplementedError',
              message: 'Conf Final (Push) is not available yet',
            },
            response: { statusCode: 501 },
          },
          { status: 501 },
        );
      }),
    );
    await renderTab();
    await waitFor(() => expect(pushButton()).toBeEnabled());
    await userEvent.click(pushButton());
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(/to leaf-01 at 127\.0\.10\.11/),
    ).toBeInTheDocument();
    expect(pushes).toBe(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    expect(
      await within(dialog).findByText(
        'The push failed: Conf Final (Push) is not available yet',
      ),
    ).toBeInTheDocument();
    expect(pushes).toBe(1);
  });

  it('reports a successful push and shows the device as Pushed', async () => {
    serve(makeDevice('leaf-01', { serial: { state: 'checked' } }));
    server.use(
      http.post(`${DEVICE_URL}/final-config/push`, () =>
        HttpResponse.json({
          ok: true,
          device: makeDevice('leaf-01', {
            serial: { state: 'checked' },
            confFinal: {
              state: 'pushed',
              pushedAt: '2026-01-10T10:06:00.000Z',
            },
            updatedAt: '2026-01-10T10:06:00.000Z',
          }),
        }),
      ),
    );
    await renderTab();
    await waitFor(() => expect(pushButton()).toBeEnabled());
    await userEvent.click(pushButton());
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    expect(
      await within(dialog).findByText('Final configuration pushed to leaf-01.'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Pushed')).toHaveLength(2);
  });

  it('previews the rendered configuration and its diff against the running one', async () => {
    serve(makeDevice('leaf-01', { serial: { state: 'checked' } }));
    server.use(
      http.get(`${DEVICE_URL}/final-config`, () =>
        HttpResponse.json({
          rendered:
            'hostname leaf-01\ninterface Ethernet1\n description uplink\n',
          running: 'hostname leaf-01\n',
          diff: '+interface Ethernet1\n+ description uplink\n',
        }),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Preview configuration' }),
    );
    await waitFor(() =>
      expect(document.body.textContent).toContain('description uplink'),
    );
    await userEvent.click(
      screen.getByRole('tab', { name: 'Diff against running' }),
    );
    await waitFor(() =>
      expect(document.body.textContent).toContain('+interface Ethernet1'),
    );
  });

  it('offers no push nor serial check to a Provisioned device, and says why', async () => {
    serve(
      makeDevice('leaf-01', {
        serial: { state: 'checked' },
        confFinal: { state: 'pushed', pushedAt: '2026-01-10T10:06:00.000Z' },
      }),
    );
    await renderTab();
    expect(pushButton()).toBeDisabled();
    expect(screen.getByTestId('push-disabled-reason')).toHaveTextContent(
      /^Already Provisioned: .*bootstrap account removed/,
    );
    expect(
      screen.getByRole('button', { name: 'Check Serial Now' }),
    ).toBeDisabled();
    expect(screen.getByTestId('check-disabled-reason')).toHaveTextContent(
      'Provisioned: the portal no longer logs in to this device',
    );
    // The removed bootstrap account is not shown as if it still worked.
    expect(
      screen.getByText(/^ztp-\w+ \(removed by Conf Final\)$/),
    ).toBeInTheDocument();
  });

  it('disables the push of a configuration that cannot be rendered, with the reason', async () => {
    serve(makeDevice('leaf-01', { serial: { state: 'checked' } }));
    const asked: string[] = [];
    server.use(
      http.get(`${DEVICE_URL}/final-config`, ({ request }) => {
        asked.push(new URL(request.url).search);
        return HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message:
                'resource:default/leaf-01 has no ztp.network/variables annotation',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        );
      }),
    );
    await renderTab();
    expect(await screen.findByTestId('push-disabled-reason')).toHaveTextContent(
      'The final configuration cannot be rendered: resource:default/leaf-01 has no ztp.network/variables annotation',
    );
    expect(pushButton()).toBeDisabled();
    // Asked without reading the running configuration (no login).
    expect(asked).toEqual(['?running=false']);
  });

  it('reads the preview again after a push, so what is shown is current', async () => {
    let pushed = false;
    serve(makeDevice('leaf-01', { serial: { state: 'checked' } }));
    server.use(
      http.get(`${DEVICE_URL}/final-config`, () =>
        HttpResponse.json(
          pushed
            ? {
                rendered: 'hostname leaf-01\nrouter bgp 65001\n',
                runningError:
                  'The final configuration was pushed and the bootstrap account removed',
              }
            : {
                rendered: 'hostname leaf-01\nrouter bgp 65001\n',
                running: 'hostname old-name\n',
                diff: '-hostname old-name\n+hostname leaf-01\n',
              },
        ),
      ),
      http.post(`${DEVICE_URL}/final-config/push`, () => {
        pushed = true;
        return HttpResponse.json({
          ok: true,
          device: makeDevice('leaf-01', {
            serial: { state: 'checked' },
            confFinal: { state: 'pushed' },
            updatedAt: '2026-01-10T10:06:00.000Z',
          }),
        });
      }),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Preview configuration' }),
    );
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Diff against running' }),
    );
    await waitFor(() =>
      expect(document.body.textContent).toContain('-hostname old-name'),
    );
    await userEvent.click(pushButton());
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    await within(dialog).findByText('Final configuration pushed to leaf-01.');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    // The diff of before the push is gone; the preview says why there is none.
    await waitFor(() =>
      expect(document.body.textContent).not.toContain('-hostname old-name'),
    );
    expect(document.body.textContent).toContain(
      'The final configuration was pushed and the bootstrap account removed',
    );
  });

  it('wraps a long timeline message whole, and shows older events on demand', async () => {
    const path =
      'file:/srv/network/inventory/sites/par1/rooms/room-b/racks/r12/declared-devices-with-a-very-long-name.yaml';
    const long = `Expected serial changed from TEMP-0001 to FOC2148Z0AB by user:default/jane. The catalog shows the new serial; the declaration's source file ${path} still holds TEMP-0001 until someone changes it there`;
    const many = [
      makeEvent(40, REF, { type: 'serial.corrected', message: long }),
      ...Array.from({ length: 14 }, (_, i) =>
        makeEvent(20 - i, REF, { message: `Earlier event ${i + 1}` }),
      ),
    ];
    serve(makeDevice('leaf-01'), many);
    await renderTab();
    const list = screen.getByRole('list', { name: 'Device timeline' });
    const message = within(list).getByText(long);
    // Whole, and allowed to break anywhere (the path has no space).
    expect(message).toHaveStyle({
      whiteSpace: 'pre-wrap',
      wordBreak: 'break-word',
    });
    expect(message.style.overflowWrap).toBe('anywhere');
    // The card grows with its content: no fixed height, no scroll bar of its own.
    expect(getComputedStyle(list).maxHeight).not.toMatch(/px$/);
    expect(getComputedStyle(list).overflowY).not.toBe('auto');
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    await userEvent.click(
      screen.getByRole('button', { name: 'Show all 15 events' }),
    );
    expect(within(list).getAllByRole('listitem')).toHaveLength(15);
  });

  it("follows the queue channel for its device: a signal updates the stages at once, other devices' change nothing", async () => {
    const signals = new MockSignalApi();
    serve(makeDevice('leaf-01'));
    let fetches = 0;
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname.endsWith('/devices/default/leaf-01')) {
        fetches++;
      }
    });
    await renderTab(signals);
    expect(signals.channels()).toContain(ZTP_QUEUE_CHANNEL);
    const loaded = fetches;

    // A storm of other devices: no patch, and no refresh a second later.
    const others: ZtpQueueSignal = {
      type: 'devices-changed',
      devices: [makeDevice('leaf-02', { serial: { state: 'checked' } })],
      removed: ['resource:default/leaf-03'],
    };
    signals.publish(ZTP_QUEUE_CHANNEL, others);
    await new Promise(r => setTimeout(r, 1300));
    expect(screen.getByText('Mismatch')).toBeInTheDocument();
    expect(fetches).toBe(loaded);

    // Its own device, in a batch with others (its ref in another case).
    const message: ZtpQueueSignal = {
      type: 'devices-changed',
      devices: [
        makeDevice('leaf-02'),
        makeDevice('leaf-01', {
          entityRef: 'Resource:default/Leaf-01',
          serial: { state: 'checked' },
          updatedAt: '2026-01-10T10:07:00.000Z',
        }),
      ],
      removed: [],
    };
    signals.publish(ZTP_QUEUE_CHANNEL, message);
    expect(screen.getByText('Checked')).toBeInTheDocument();
    expect(screen.queryByText('Mismatch')).toBeNull();
    server.events.removeAllListeners();
  });

  it('says when the device is not in the ZTP queue yet', async () => {
    server.use(
      http.get(DEVICE_URL, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: `No device ${REF} in the ZTP queue`,
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityZtpContent />
      </EntityProvider>,
      { apis: ztpTestApis({ deny: ['ztp.credentials.reveal'] }) },
    );
    expect(
      await screen.findByText('Not in the ZTP queue yet'),
    ).toBeInTheDocument();
  });
});
