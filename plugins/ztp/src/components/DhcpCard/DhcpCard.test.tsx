import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type {
  ZtpDhcpApplyStatus,
  ZtpDhcpLeaseList,
  ZtpDhcpProblem,
  ZtpDhcpSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { backendError } from '../../__testUtils__/fixtures';
import { DhcpCard } from './DhcpCard';

const server = setupServer();
registerMswTestHooks(server);

const minutesAgo = (n: number) =>
  new Date(Date.now() - n * 60_000).toISOString();

let status: ZtpDhcpApplyStatus;
let leases: ZtpDhcpLeaseList;
let problems: ZtpDhcpProblem[];
let configRequests: string[];
/** Every DHCP request the card made, by path. */
let requests: string[];
const reservations = {
  'option-def': [],
  subnet4: [
    {
      id: 1,
      subnet: '198.18.0.0/24',
      reservations: [{ 'hw-address': '52:54:00:00:00:11' }],
    },
  ],
};

beforeEach(() => {
  configRequests = [];
  requests = [];
  problems = [
    {
      entityRef: 'resource:default/far-01',
      message:
        'far-01: its management address 198.19.7.5 is outside every provisioning subnet (198.18.0.0/24)',
    },
  ];
  status = {
    mode: 'apply',
    endpoint: 'unix:/run/kea/kea4-ctrl-socket',
    lastAttemptAt: minutesAgo(2),
    lastAppliedAt: minutesAgo(2),
    change: 'added leaf-03; changed leaf-01',
    ok: true,
  };
  leases = {
    available: true,
    source: 'memfile /var/lib/kea/kea-leases4.csv',
    items: [
      {
        entityRef: 'resource:default/leaf-01',
        confMin: 'loaded',
        state: 'leased',
        address: '198.18.0.11',
      },
      {
        entityRef: 'resource:default/leaf-02',
        confMin: 'not-loaded',
        state: 'leased',
        address: '198.18.0.12',
      },
      {
        entityRef: 'resource:default/leaf-03',
        confMin: 'not-loaded',
        state: 'none',
      },
    ],
  };
  server.events.removeAllListeners();
  server.events.on('request:start', ({ request }) => {
    requests.push(new URL(request.url).pathname.replace(/.*\/dhcp\//, ''));
  });
  server.use(
    http.get(`${ZTP_API}/dhcp/status`, () => HttpResponse.json(status)),
    http.get(`${ZTP_API}/dhcp/leases`, () => HttpResponse.json(leases)),
    // The backend's summary: counts and the first `limit` of each list.
    http.get(`${ZTP_API}/dhcp/summary`, ({ request }) => {
      const limit = Number(new URL(request.url).searchParams.get('limit'));
      const notLoaded = leases.items.filter(l => l.confMin === 'not-loaded');
      const summary: ZtpDhcpSummary = {
        reservationCount: 2,
        problemCount: problems.length,
        problems: problems.slice(0, limit),
        leases: {
          available: leases.available,
          source: leases.source,
          error: leases.error,
          notLoadedCount: notLoaded.length,
          notLoaded: notLoaded.slice(0, limit),
        },
      };
      return HttpResponse.json(summary);
    }),
    http.get(`${ZTP_API}/dhcp/kea-config`, ({ request }) => {
      const part = new URL(request.url).searchParams.get('part')!;
      configRequests.push(part);
      return HttpResponse.json({
        part,
        content: part === 'reservations' ? reservations : { Dhcp4: {} },
        reservationCount: 2,
        problems,
      });
    }),
  );
});

describe('DhcpCard', () => {
  it('shows what was applied, what was left out, and tells Not Loaded devices apart by their leases', async () => {
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    expect(await screen.findByLabelText('Last DHCP apply')).toHaveTextContent(
      'Applied to unix:/run/kea/kea4-ctrl-socket 2 minutes ago: added leaf-03; changed leaf-01',
    );
    expect(
      within(
        screen.getByRole('list', { name: 'DHCP configuration problems' }),
      ).getByText(/far-01: .* outside every provisioning subnet/),
    ).toBeInTheDocument();
    expect(screen.getByText('2 reservations')).toBeInTheDocument();
    const waiting = screen.getByRole('list', {
      name: 'Not Loaded devices and their DHCP leases',
    });
    const rows = within(waiting).getAllByRole('listitem');
    expect(rows.map(r => r.textContent)).toEqual([
      'leaf-02lease 198.18.0.12, no fetch yet',
      'leaf-03no DHCP lease yet',
    ]);
  });

  it('reads only the summary until asked for a whole list, then the problems in full', async () => {
    problems = Array.from({ length: 300 }, (_, i) => ({
      entityRef: `resource:default/far-${i}`,
      message: `far-${i}: outside every provisioning subnet`,
    }));
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    const list = await screen.findByRole('list', {
      name: 'DHCP configuration problems',
    });
    expect(within(list).getAllByRole('listitem')).toHaveLength(20);
    // Polled: the status and the summary, never the whole configuration.
    expect([...new Set(requests)].sort()).toEqual(['status', 'summary']);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 300' }));
    await waitFor(() =>
      expect(within(list).getAllByRole('listitem')).toHaveLength(300),
    );
    expect(configRequests).toEqual(['reservations']);
    expect(
      within(list).getByText('far-299: outside every provisioning subnet'),
    ).toBeInTheDocument();
  });

  it('shows the first 20 Not Loaded devices of a large fleet, and all of them when asked', async () => {
    leases = {
      ...leases,
      items: Array.from({ length: 1000 }, (_, i) => ({
        entityRef: `resource:default/bench-${String(i).padStart(4, '0')}`,
        confMin: 'not-loaded' as const,
        state: 'none' as const,
      })),
    };
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    const list = await screen.findByRole('list', {
      name: 'Not Loaded devices and their DHCP leases',
    });
    expect(within(list).getAllByRole('listitem')).toHaveLength(20);
    expect(requests).not.toContain('leases');
    fireEvent.click(screen.getByRole('button', { name: 'Show all 1,000' }));
    await waitFor(() =>
      expect(within(list).getAllByRole('listitem')).toHaveLength(1000),
    );
    expect(requests).toContain('leases');
    expect(
      screen.queryByRole('button', { name: /Show all/ }),
    ).not.toBeInTheDocument();
  });

  it('says why Kea refused the last configuration, and that it keeps the one before', async () => {
    status = {
      ...status,
      lastAttemptAt: minutesAgo(1),
      lastAppliedAt: minutesAgo(30),
      ok: false,
      change: 'added leaf-04',
      error:
        'Kea refused config-test (result 1): failed to load hook library /opt/kea/libdhcp_lease_cmds.so',
    };
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    const alert = await screen.findByLabelText('Last DHCP apply failed');
    expect(alert).toHaveTextContent(
      /Not applied to unix:\/run\/kea\/kea4-ctrl-socket \(1 minute ago, added leaf-04\): Kea refused config-test .*libdhcp_lease_cmds\.so\. Kea keeps the configuration applied 30 minutes ago\./,
    );
  });

  it('downloads the reservations alone as a JSON file', async () => {
    const saved: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:reservations';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Download reservations' }),
    );
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(configRequests).toContain('reservations');
    expect(JSON.parse(await saved[0].text())).toEqual(reservations);
  });

  it('says when it only offers downloads and cannot read leases', async () => {
    status = { mode: 'download' };
    leases = { available: false, items: [] };
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    expect(
      await screen.findByText(/Download only: no Kea control endpoint/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/leases are not read \(configure ztp.dhcp.leases\)/),
    ).toBeInTheDocument();
  });

  it('says in words why it cannot show anything', async () => {
    server.use(
      http.get(`${ZTP_API}/dhcp/status`, () =>
        HttpResponse.json(
          ...backendError(403, 'You are not allowed to read the ZTP queue'),
        ),
      ),
    );
    await renderInTestApp(<DhcpCard />, { apis: ztpTestApis() });
    expect(
      await screen.findByText(/Could not load the DHCP configuration/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/You are not allowed to read the ZTP queue/),
    ).toBeInTheDocument();
  });
});
