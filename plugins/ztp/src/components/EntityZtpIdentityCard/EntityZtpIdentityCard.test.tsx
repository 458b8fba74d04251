import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  ZTP_QUEUE_CHANNEL,
  type ZtpQueueSignal,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { makeDevice } from '../../__testUtils__/fixtures';
import { MockSignalApi } from '../../__testUtils__/MockSignalApi';
import { EntityZtpIdentityCard } from './EntityZtpIdentityCard';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';

const server = setupServer(...installedPlatformHandlers());
registerMswTestHooks(server);

const DEVICE_URL = `${ZTP_API}/devices/default/leaf-01`;

function device(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'leaf-01', namespace: 'default', annotations },
    spec: { type: 'network-device', owner: 'group:default/network-operators' },
  };
}

const declared = device({
  'ztp.network/serial-number': 'TMP0001',
  'ztp.network/serial-temporary': 'true',
  'ztp.network/platform': 'cisco-iosxe',
  'ztp.network/management-address': '127.0.10.11/24',
  'ztp.network/management-interface': 'GigabitEthernet0',
  'ztp.network/management-vrf': 'Mgmt-intf',
  'ztp.network/default-gateway': '127.0.10.1',
  'ztp.network/mac-address': '00:11:22:33:44:55',
  'ztp.network/hostname': 'leaf-01.par1',
  'ztp.network/ssh-port': '2222',
  'ztp.network/site': 'par1',
  'ztp.network/role': 'leaf',
  'ztp.network/variables': './vars/leaf-01.yaml',
});

async function renderCard(entity: Entity, signals?: MockSignalApi) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityZtpIdentityCard />
    </EntityProvider>,
    {
      apis: ztpTestApis({ signals }),
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  expect(await screen.findByText('ZTP identity')).toBeInTheDocument();
}

/** The value next to a label in one of the card's description lists. */
function valueOf(label: string): HTMLElement {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling as HTMLElement;
}

const chip = (label: string) =>
  screen.getByText(label).closest('[data-tone]') as HTMLElement;

describe('EntityZtpIdentityCard', () => {
  it('shows what the annotations declare, the live stages and a link to the ZTP tab', async () => {
    server.use(
      http.get(DEVICE_URL, () =>
        HttpResponse.json({ device: makeDevice('leaf-01'), events: [] }),
      ),
    );
    await renderCard(declared);

    const stages = within(await screen.findByLabelText('ZTP stages'));
    expect(stages.getByText('Loaded').closest('[data-tone]')).toHaveAttribute(
      'data-tone',
      'ok',
    );
    expect(chip('Mismatch')).toHaveAttribute('data-tone', 'error');
    expect(chip('Not Pushed')).toHaveAttribute('data-tone', 'neutral');
    // The card offers no fix: that belongs to the ZTP tab.
    expect(
      screen.queryByRole('button', { name: 'Fix serial mismatch' }),
    ).toBeNull();

    expect(valueOf('Serial number')).toHaveTextContent('TMP0001temporary');
    expect(valueOf('Serial number')).not.toHaveTextContent('corrected from');
    expect(valueOf('Platform')).toHaveTextContent('Cisco IOS XE');
    expect(valueOf('Management address')).toHaveTextContent('127.0.10.11/24');
    expect(valueOf('Management port')).toHaveTextContent('GigabitEthernet0');
    expect(valueOf('Management VRF')).toHaveTextContent('Mgmt-intf');
    expect(valueOf('Default gateway')).toHaveTextContent('127.0.10.1');
    expect(valueOf('MAC address')).toHaveTextContent('00:11:22:33:44:55');
    expect(valueOf('Hostname')).toHaveTextContent('leaf-01.par1');
    expect(valueOf('SSH port')).toHaveTextContent(/^2222$/);
    expect(valueOf('Site')).toHaveTextContent('par1');
    expect(valueOf('Role')).toHaveTextContent('leaf');
    expect(valueOf('Variables file')).toHaveTextContent('./vars/leaf-01.yaml');

    expect(
      screen.getByRole('link', { name: /Open the ZTP tab/ }),
    ).toHaveAttribute('href', '/catalog/default/resource/leaf-01/ztp');
  });

  it('shows a corrected serial with the one it replaced, the default SSH port, and leaves out what is not declared', async () => {
    server.use(
      http.get(DEVICE_URL, () =>
        HttpResponse.json({
          device: makeDevice('leaf-01', {
            expectedSerial: 'FOC2148Z0AB',
            serialTemporary: false,
            serial: { state: 'checked' },
            confFinal: { state: 'pushed' },
          }),
          events: [],
        }),
      ),
    );
    await renderCard(
      device({
        'ztp.network/serial-number': 'FOC2148Z0AB',
        'ztp.network/serial-temporary': 'false',
        'ztp.network/serial-corrected-from': 'TMP0001',
        'ztp.network/platform': 'arista-eos',
        'ztp.network/management-address': '127.0.10.12/24',
      }),
    );

    expect(await screen.findByText('Checked')).toBeInTheDocument();
    expect(chip('Checked')).toHaveAttribute('data-tone', 'ok');
    expect(chip('Pushed')).toHaveAttribute('data-tone', 'ok');

    expect(valueOf('Serial number')).toHaveTextContent(
      'FOC2148Z0ABcorrected from TMP0001',
    );
    expect(valueOf('Serial number')).not.toHaveTextContent('temporary');
    expect(valueOf('Platform')).toHaveTextContent('Arista EOS');
    expect(valueOf('SSH port')).toHaveTextContent('22default');
    for (const absent of [
      'Management port',
      'Management VRF',
      'Default gateway',
      'MAC address',
      'Hostname',
      'Site',
      'Role',
      'Variables file',
    ]) {
      expect(screen.queryByText(absent)).toBeNull();
    }
  });

  it('says in words that a device is not in the queue yet, and still shows its annotations', async () => {
    server.use(
      http.get(DEVICE_URL, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No such device' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderCard(declared);

    expect(
      await screen.findByText(/Not in the ZTP queue yet/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('ZTP stages')).toBeNull();
    expect(valueOf('Serial number')).toHaveTextContent('TMP0001');
    expect(valueOf('Management address')).toHaveTextContent('127.0.10.11/24');
  });

  it('says what went wrong when the backend fails, and flags missing required annotations', async () => {
    server.use(
      http.get(DEVICE_URL, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'The ZTP database is down' },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    await renderCard(device({ 'ztp.network/platform': 'juniper-junos' }));

    expect(
      await screen.findByText(
        'Could not load the ZTP status: The ZTP database is down',
      ),
    ).toBeInTheDocument();
    expect(valueOf('Serial number')).toHaveTextContent('Not declared');
    expect(valueOf('Management address')).toHaveTextContent('Not declared');
    expect(valueOf('Platform')).toHaveTextContent('Juniper Junos');
  });

  it('updates the badges when the queue signal brings its device', async () => {
    server.use(
      http.get(DEVICE_URL, () =>
        HttpResponse.json({ device: makeDevice('leaf-01'), events: [] }),
      ),
    );
    const signals = new MockSignalApi();
    await renderCard(declared, signals);
    expect(await screen.findByText('Mismatch')).toBeInTheDocument();
    expect(signals.channels()).toContain(ZTP_QUEUE_CHANNEL);

    const message: ZtpQueueSignal = {
      type: 'devices-changed',
      devices: [
        makeDevice('leaf-01', {
          serial: { state: 'checked' },
          updatedAt: '2026-01-10T10:05:00.000Z',
        }),
      ],
      removed: [],
    };
    signals.publish(ZTP_QUEUE_CHANNEL, message);
    expect(await screen.findByText('Checked')).toBeInTheDocument();
    expect(screen.queryByText('Mismatch')).toBeNull();
  });
});
