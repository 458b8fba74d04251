import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { ztpTestApis, ZTP_API } from '../../__testUtils__/apis';
import { ZtpPlatformPicker } from './ZtpPlatformPicker';

const server = setupServer();
registerMswTestHooks(server);

function renderPicker(onChange: (v?: string) => void, formData?: string) {
  const props = {
    formData,
    onChange,
    required: true,
    schema: { title: 'Platform', type: 'string' },
    rawErrors: [],
    idSchema: { $id: 'root_platform' },
  } as any;
  return renderInTestApp(<ZtpPlatformPicker {...props} />, {
    apis: ztpTestApis(),
  });
}

describe('ZtpPlatformPicker', () => {
  it('offers the platforms the backend installed, by display name, and gives the id', async () => {
    server.use(
      http.get(`${ZTP_API}/platforms`, () =>
        HttpResponse.json({
          items: [
            {
              id: 'cisco-iosxe',
              displayName: 'Cisco IOS XE',
              finalConfig: true,
            },
            { id: 'dell-os10', displayName: 'Dell OS10', finalConfig: false },
          ],
        }),
      ),
    );
    const chosen: (string | undefined)[] = [];
    await renderPicker(v => chosen.push(v));
    const field = await screen.findByLabelText(/^Platform/);
    // Disabled until the platforms are loaded.
    await waitFor(() =>
      expect(field).not.toHaveAttribute('aria-disabled', 'true'),
    );
    fireEvent.mouseDown(field);
    const list = await screen.findByRole('listbox');
    const options = within(list).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Cisco IOS XE',
      'Dell OS10',
    ]);
    fireEvent.click(within(list).getByRole('option', { name: 'Dell OS10' }));
    expect(chosen).toEqual(['dell-os10']);
  });

  it('says so when the platforms cannot be loaded', async () => {
    server.use(
      http.get(`${ZTP_API}/platforms`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'backend down' } },
          { status: 503 },
        ),
      ),
    );
    await renderPicker(() => {});
    expect(
      await screen.findByText(/Could not load the installed platforms/),
    ).toBeInTheDocument();
  });
});
