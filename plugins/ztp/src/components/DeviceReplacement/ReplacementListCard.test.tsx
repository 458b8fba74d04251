import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type {
  ZtpReplacementCsvCheck,
  ZtpReplacementJob,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { ReplacementListCard } from './ReplacementListCard';
import { StuckDevicesCard } from './StuckDevicesCard';
import { makeDevice, makeEvent } from '../../__testUtils__/fixtures';

const server = setupServer();
registerMswTestHooks(server);

const BAD = 'leaf-09,SSJ1,zz\nleaf-01,SSJ20000001';
const GOOD = 'leaf-01,SSJ20000001\nleaf-02,SSJ20000002,52:54:00:0b:00:02';

describe('ReplacementListCard', () => {
  it('shows every refused line with its number and offers nothing to apply', async () => {
    const checked: string[] = [];
    server.use(
      http.post(`${ZTP_API}/replacements/check`, async ({ request }) => {
        const { csv } = (await request.json()) as { csv: string };
        checked.push(csv);
        const body: ZtpReplacementCsvCheck = {
          ok: false,
          rows: [],
          problems: [
            {
              line: 1,
              message:
                'unknown entity leaf-09: no such device in the ZTP queue',
            },
            { line: 1, message: 'bad MAC "zz"' },
          ],
        };
        return HttpResponse.json(body);
      }),
    );
    await renderInTestApp(<ReplacementListCard />, { apis: ztpTestApis() });
    fireEvent.change(await screen.findByLabelText('Replacement list (CSV)'), {
      target: { value: BAD },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Check list' }));
    const refused = await screen.findByLabelText('Refused lines');
    expect(refused).toHaveTextContent('Nothing was changed');
    expect(refused).toHaveTextContent(
      'Line 1: unknown entity leaf-09: no such device in the ZTP queue',
    );
    expect(refused).toHaveTextContent('Line 1: bad MAC "zz"');
    expect(
      screen.getByRole('button', { name: 'Replace devices' }),
    ).toBeDisabled();
    expect(checked).toEqual([BAD]);
  });

  it('applies a valid list as one job and follows its progress to the end', async () => {
    const job: ZtpReplacementJob = {
      id: 'job-1',
      actor: 'user:default/jane',
      total: 2,
      done: 0,
      failed: 0,
      running: true,
      startedAt: '2026-12-03T10:00:00.000Z',
      results: [],
    };
    let polls = 0;
    const started: string[] = [];
    server.use(
      http.post(`${ZTP_API}/replacements/check`, () =>
        HttpResponse.json({
          ok: true,
          problems: [],
          rows: [
            {
              line: 1,
              entityRef: 'resource:default/leaf-01',
              newSerial: 'SSJ20000001',
            },
            {
              line: 2,
              entityRef: 'resource:default/leaf-02',
              newSerial: 'SSJ20000002',
              newMacAddress: '52:54:00:0b:00:02',
            },
          ],
        }),
      ),
      http.post(`${ZTP_API}/replacements/jobs`, async ({ request }) => {
        started.push(((await request.json()) as { csv: string }).csv);
        return HttpResponse.json(job, { status: 202 });
      }),
      http.get(`${ZTP_API}/replacements/jobs/job-1`, () => {
        polls++;
        return HttpResponse.json(
          polls === 1
            ? {
                ...job,
                done: 1,
                results: [{ entityRef: 'resource:default/leaf-01', ok: true }],
              }
            : {
                ...job,
                done: 1,
                failed: 1,
                running: false,
                finishedAt: '2026-12-03T10:00:02.000Z',
                results: [
                  { entityRef: 'resource:default/leaf-01', ok: true },
                  {
                    entityRef: 'resource:default/leaf-02',
                    ok: false,
                    error:
                      'resource:default/leaf-02 left the catalog meanwhile',
                  },
                ],
              },
        );
      }),
    );
    await renderInTestApp(<ReplacementListCard pollMs={10} />, {
      apis: ztpTestApis(),
    });
    fireEvent.change(await screen.findByLabelText('Replacement list (CSV)'), {
      target: { value: GOOD },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Check list' }));
    expect(
      await screen.findByText(
        /Every line is valid: leaf-01 → SSJ20000001, leaf-02 → SSJ20000002/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Replace 2 devices' }),
    );
    const progress = await screen.findByLabelText('Replacement progress');
    await waitFor(() =>
      expect(progress).toHaveTextContent('Replaced 2 of 2 (1 failed)'),
    );
    expect(within(progress).getByText('leaf-01: replaced')).toBeInTheDocument();
    expect(
      within(progress).getByText(
        'leaf-02: failed: resource:default/leaf-02 left the catalog meanwhile',
      ),
    ).toBeInTheDocument();
    expect(started).toEqual([GOOD]);
    expect(polls).toBe(2);
  });
});

describe('StuckDevicesCard', () => {
  it('lists every stuck device with how long, where, and its last event', async () => {
    server.use(
      http.get(`${ZTP_API}/stuck-devices`, () =>
        HttpResponse.json({
          afterMinutes: 30,
          items: [
            makeDevice('leaf-03', {
              lastEvent: makeEvent(7, 'resource:default/leaf-03', {
                message: 'Conf Final push started by user:default/jane',
              }),
              stuck: {
                since: '2026-12-03T09:00:00.000Z',
                minutes: 42,
                state: 'Conf Final Pushing',
              },
            }),
          ],
        }),
      ),
    );
    await renderInTestApp(<StuckDevicesCard />, { apis: ztpTestApis() });
    const row = await screen.findByTestId('stuck-leaf-03');
    expect(row).toHaveTextContent('leaf-03: Conf Final Pushing for 42 min');
    expect(row).toHaveTextContent(
      'Last: Conf Final push started by user:default/jane',
    );
    expect(screen.getByText('Stuck devices (1)')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Re-provision leaf-03' }),
    ).toBeInTheDocument();
  });
});
