import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { ZtpDeclarationProblem } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { backendError } from '../../__testUtils__/fixtures';
import { DeclarationProblemsCard } from './DeclarationProblemsCard';

const server = setupServer();
registerMswTestHooks(server);

const refused: ZtpDeclarationProblem = {
  entityRef: 'resource:default/leaf-09-par1',
  location: 'file:/srv/catalog/examples/fleet/declared-devices.yaml',
  problems: [
    'ztp.network/mac-address: "52:54:00:12:34" is not a MAC address (like 52:54:00:12:34:56)',
    'ztp.network/serial-number: FOC2148Z0AB is already the serial of resource:default/leaf-01-par1',
  ],
  firstSeen: new Date(Date.now() - 5 * 60_000).toISOString(),
  lastSeen: new Date().toISOString(),
};

let answer: () => Response;
let requests = 0;
beforeEach(() => {
  requests = 0;
  server.use(
    http.get(`${ZTP_API}/declaration-problems`, () => {
      requests++;
      return answer();
    }),
  );
});

describe('DeclarationProblemsCard', () => {
  it('shows each refused declaration with its file and every problem', async () => {
    answer = () => HttpResponse.json({ items: [refused] });
    await renderInTestApp(<DeclarationProblemsCard />, {
      apis: ztpTestApis(),
    });

    const row = await screen.findByTestId('declaration-problem');
    expect(within(row).getByText(refused.entityRef)).toBeInTheDocument();
    expect(within(row).getByText(refused.location!)).toBeInTheDocument();
    const problems = within(row).getByRole('list', {
      name: `Problems of ${refused.entityRef}`,
    });
    expect(within(problems).getAllByRole('listitem')).toHaveLength(2);
    expect(
      within(problems).getByText(/is not a MAC address/),
    ).toBeInTheDocument();
    expect(within(row).getByText(/Refused since 5 minutes ago/)).toBeVisible();
    expect(screen.getByLabelText('1 refused declaration')).toHaveTextContent(
      '1',
    );
  });

  it('says so when the catalog accepted everything, and keeps polling', async () => {
    answer = () => HttpResponse.json({ items: [] });
    await renderInTestApp(<DeclarationProblemsCard pollIntervalMs={50} />, {
      apis: ztpTestApis(),
    });
    expect(
      await screen.findByText('The catalog accepted every device declaration.'),
    ).toBeInTheDocument();
    answer = () => HttpResponse.json({ items: [refused] });
    expect(
      await screen.findByTestId('declaration-problem'),
    ).toBeInTheDocument();
    expect(requests).toBeGreaterThanOrEqual(2);
  });

  it('says in words why it cannot show them', async () => {
    answer = () =>
      HttpResponse.json(
        ...backendError(403, 'You are not allowed to read the ZTP queue'),
      );
    await renderInTestApp(<DeclarationProblemsCard />, {
      apis: ztpTestApis(),
    });
    await waitFor(() =>
      expect(
        screen.getByText(/You are not allowed to read the ZTP queue/),
      ).toBeInTheDocument(),
    );
    expect(
      screen.getByText(/Could not load the refused declarations/),
    ).toBeInTheDocument();
  });
});
