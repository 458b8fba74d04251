import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { ZtpBulkPushJob } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { BulkPushAction } from './BulkPushAction';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';

const server = setupServer(...installedPlatformHandlers());
registerMswTestHooks(server);

const refs = ['resource:default/leaf-01', 'resource:default/leaf-02'];

async function renderAction(onFinished = jest.fn()) {
  await renderInTestApp(
    <BulkPushAction
      entityRefs={refs}
      onClearSelection={jest.fn()}
      onFinished={onFinished}
      pollMs={20}
    />,
    { apis: ztpTestApis() },
  );
  await userEvent.click(
    screen.getByRole('button', { name: 'Conf Final (Push)' }),
  );
  return screen.getByRole('dialog');
}

describe('BulkPushAction', () => {
  it('confirms, then follows the job to its end', async () => {
    let body: unknown;
    const states: ZtpBulkPushJob[] = [
      {
        id: 'job-1',
        total: 2,
        done: 1,
        failed: 0,
        running: true,
        results: [{ entityRef: refs[0], ok: true }],
      },
      {
        id: 'job-1',
        total: 2,
        done: 2,
        failed: 0,
        running: false,
        results: refs.map(entityRef => ({ entityRef, ok: true })),
      },
    ];
    server.use(
      http.post(`${ZTP_API}/final-config/push`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          id: 'job-1',
          total: 2,
          done: 0,
          failed: 0,
          running: true,
          results: [],
        });
      }),
      http.get(`${ZTP_API}/final-config/push/job-1`, () =>
        HttpResponse.json(states.length > 1 ? states.shift() : states[0]),
      ),
    );
    const onFinished = jest.fn();
    const dialog = await renderAction(onFinished);
    expect(
      within(dialog).getByText(/full production configuration/),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('leaf-01, leaf-02')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));

    expect(
      await within(dialog).findByText(
        'Final configuration pushed to 2 devices.',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      '2 of 2 done.',
    );
    expect(body).toEqual({ entityRefs: refs });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    expect(onFinished).toHaveBeenCalled();
  });

  it('lists the devices whose push failed, with the reason', async () => {
    server.use(
      http.post(`${ZTP_API}/final-config/push`, () =>
        HttpResponse.json({
          id: 'job-2',
          total: 2,
          done: 2,
          failed: 1,
          running: false,
          results: [
            { entityRef: refs[0], ok: true },
            {
              entityRef: refs[1],
              ok: false,
              error: 'commit confirmed timed out',
            },
          ],
        }),
      ),
    );
    const dialog = await renderAction();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    expect(
      await within(dialog).findByText('commit confirmed timed out'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('leaf-02')).toBeInTheDocument();
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      '2 of 2 done, 1 failed.',
    );
  });

  it('shows a long failure reason whole, wrapping inside the dialog', async () => {
    const reason =
      'the final configuration could not be rendered: resource:default/leaf-02 has no ztp.network/variables annotation: the final configuration is rendered from a variables file (interfaces, routing, ACLs) that the annotation names, e.g. ./vars/leaf-02.yaml';
    server.use(
      http.post(`${ZTP_API}/final-config/push`, () =>
        HttpResponse.json({
          id: 'job-4',
          total: 1,
          done: 1,
          failed: 1,
          running: false,
          results: [{ entityRef: refs[1], ok: false, error: reason }],
        }),
      ),
    );
    const dialog = await renderAction();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    const text = await within(dialog).findByText(reason);
    expect(text).toHaveStyle({ whiteSpace: 'pre-wrap' });
    expect(text.style.overflowWrap).toBe('anywhere');
  });

  it('says which devices an interrupted push did not reach, and no success', async () => {
    server.use(
      http.post(`${ZTP_API}/final-config/push`, () =>
        HttpResponse.json({
          id: 'job-3',
          total: 2,
          done: 1,
          failed: 0,
          running: false,
          interrupted: { notPushed: [refs[1]] },
          results: [{ entityRef: refs[0], ok: true }],
        }),
      ),
    );
    const dialog = await renderAction();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    expect(
      await within(dialog).findByText(/The push was interrupted/),
    ).toHaveTextContent(/Not reached: leaf-02\./);
    expect(within(dialog).queryByText(/Final configuration pushed/)).toBeNull();
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      '1 of 2 done.',
    );
  });

  it('says in words why the push could not start', async () => {
    server.use(
      http.post(`${ZTP_API}/final-config/push`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotImplementedError',
              message: 'Conf Final (Push) is not available yet',
            },
            response: { statusCode: 501 },
          },
          { status: 501 },
        ),
      ),
    );
    const dialog = await renderAction();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Push' }));
    expect(
      await within(dialog).findByText('Conf Final (Push) is not available yet'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        within(dialog).getByRole('button', { name: 'Push' }),
      ).toBeEnabled(),
    );
  });
});
