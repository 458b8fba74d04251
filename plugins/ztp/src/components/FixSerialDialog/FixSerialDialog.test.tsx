import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice } from '../../__testUtils__/fixtures';
import { FixSerialDialog } from './FixSerialDialog';

const server = setupServer();
registerMswTestHooks(server);

const device = makeDevice('leaf-01', {
  expectedSerial: 'TMP0001',
  managementIp: '127.0.10.11',
  sshPort: 2222,
  localUsername: 'ztp-7f3a',
});

async function renderDialog(
  options: {
    deny?: string[];
    onClose?: () => void;
    onDeviceUpdated?: (d: ZtpDevice) => void;
  } = {},
) {
  const onClose = options.onClose ?? jest.fn();
  const onDeviceUpdated = options.onDeviceUpdated ?? jest.fn();
  await renderInTestApp(
    <FixSerialDialog
      open
      device={device}
      canRevealCredentials={!options.deny?.includes('ztp.credentials.reveal')}
      onClose={onClose}
      onDeviceUpdated={onDeviceUpdated}
    />,
    { apis: ztpTestApis({ deny: options.deny }) },
  );
  return { onClose, onDeviceUpdated, dialog: screen.getByRole('dialog') };
}

describe('FixSerialDialog', () => {
  it('shows the wrong serial, the presented one and the local account', async () => {
    const { dialog } = await renderDialog();
    expect(
      within(dialog).getByText('Wrong serial (declared)'),
    ).toBeInTheDocument();
    expect(within(dialog).getByTestId('wrong-serial')).toHaveTextContent(
      'TMP0001',
    );
    expect(within(dialog).getByTestId('presented-serial')).toHaveTextContent(
      'FOC2148Z0AB',
    );
    expect(within(dialog).getByText('ztp-7f3a')).toBeInTheDocument();
    expect(
      within(dialog).getByLabelText('Password hidden'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('ssh -p 2222 ztp-7f3a@127.0.10.11'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Copy ssh command' }),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Copy username' }),
    ).toBeInTheDocument();
  });

  it('reveals the password on request', async () => {
    let revealed = 0;
    server.use(
      http.post(`${ZTP_API}/devices/default/leaf-01/credentials/reveal`, () => {
        revealed += 1;
        return HttpResponse.json({
          username: 'ztp-7f3a',
          password: 's3cret-Pa55',
        });
      }),
    );
    const { dialog } = await renderDialog();
    expect(within(dialog).queryByText('s3cret-Pa55')).toBeNull();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reveal' }),
    );
    expect(await within(dialog).findByText('s3cret-Pa55')).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Copy password' }),
    ).toBeInTheDocument();
    expect(revealed).toBe(1);
  });

  it('has no Reveal button for users who may not reveal credentials', async () => {
    const { dialog } = await renderDialog({ deny: ['ztp.credentials.reveal'] });
    expect(within(dialog).queryByRole('button', { name: 'Reveal' })).toBeNull();
    expect(
      within(dialog).getByText('You are not allowed to reveal it'),
    ).toBeInTheDocument();
  });

  it('validates the New Serial as the user types', async () => {
    const { dialog } = await renderDialog();
    const field = within(dialog).getByLabelText('New Serial');
    const check = within(dialog).getByRole('button', { name: 'Check Serial' });
    expect(check).toBeDisabled();
    await userEvent.type(field, 'A B');
    expect(
      within(dialog).getByText(/"A B" is not a serial number/),
    ).toBeInTheDocument();
    expect(check).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, 'FOC2148Z0AB');
    expect(within(dialog).queryByText(/is not a serial number/)).toBeNull();
    expect(check).toBeEnabled();
  });

  it('shows progress, then closes once the serial is Checked', async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>(r => {
      release = r;
    });
    let body: unknown;
    server.use(
      http.post(
        `${ZTP_API}/devices/default/leaf-01/serial`,
        async ({ request }) => {
          body = await request.json();
          await answered;
          return HttpResponse.json({
            outcome: 'checked',
            device: makeDevice('leaf-01', {
              expectedSerial: 'FOC2148Z0AB',
              serial: { state: 'checked' },
            }),
          });
        },
      ),
    );
    const { dialog, onClose, onDeviceUpdated } = await renderDialog();
    await userEvent.type(
      within(dialog).getByLabelText('New Serial'),
      'FOC2148Z0AB',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check Serial' }),
    );
    expect(
      await within(dialog).findByRole('button', { name: 'Checking Serial…' }),
    ).toBeDisabled();
    release();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    // With the Wrong serial it replaces: a correction made meanwhile wins.
    expect(body).toEqual({ newSerial: 'FOC2148Z0AB', wrongSerial: 'TMP0001' });
    expect(onDeviceUpdated).toHaveBeenCalledWith(
      expect.objectContaining({
        serial: expect.objectContaining({ state: 'checked' }),
      }),
    );
  });

  it('stays open with both values when the serial still differs', async () => {
    server.use(
      http.post(`${ZTP_API}/devices/default/leaf-01/serial`, () =>
        HttpResponse.json({
          outcome: 'mismatch',
          device: makeDevice('leaf-01', {
            expectedSerial: 'FOC0000X0XX',
            serial: { state: 'mismatch', presentedSerial: 'FOC2148Z0AB' },
          }),
        }),
      ),
    );
    const { dialog, onClose } = await renderDialog();
    await userEvent.type(
      within(dialog).getByLabelText('New Serial'),
      'FOC0000X0XX',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check Serial' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Still a mismatch: the device presents FOC2148Z0AB, while FOC0000X0XX is now expected.',
    );
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('New Serial')).toHaveValue(
      'FOC0000X0XX',
    );
  });

  it('says in words why the backend refused the new serial', async () => {
    server.use(
      http.post(`${ZTP_API}/devices/default/leaf-01/serial`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message:
                'Serial FOC2148Z0AB is already the serial of resource:default/leaf-02',
            },
            request: {
              method: 'POST',
              url: '/api/ztp/devices/default/leaf-01/serial',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const { dialog, onClose } = await renderDialog();
    await userEvent.type(
      within(dialog).getByLabelText('New Serial'),
      'FOC2148Z0AB',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check Serial' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Serial FOC2148Z0AB is already the serial of resource:default/leaf-02',
    );
    expect(onClose).not.toHaveBeenCalled();
    expect(
      within(dialog).getByRole('button', { name: 'Check Serial' }),
    ).toBeEnabled();
  });
});
