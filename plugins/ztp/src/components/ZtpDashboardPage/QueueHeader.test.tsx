import { useState } from 'react';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { ZtpQueueSummary } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpTestApis } from '../../__testUtils__/apis';
import { installedPlatformHandlers } from '../../__testUtils__/platformHandlers';
import { QueueCounters, sameCounters } from './QueueCounters';
import {
  QueueFilters,
  sameFilterFields,
  type QueueFilter,
} from './QueueFilters';

const server = setupServer(...installedPlatformHandlers());
registerMswTestHooks(server);

const SUMMARY: ZtpQueueSummary = {
  total: 10000,
  loaded: 40,
  mismatched: 2,
  checked: 30,
  pushed: 1,
};
const onFilter = () => {};
const FILTER: QueueFilter = {};

// Each page of rows brings a new summary and new facet lists, mostly equal
// to the last ones: the counters and the filter fields are not rendered
// again for them, but are for a changed count, filter or site.
describe('the counters above the queue', () => {
  const props = { summary: SUMMARY, filter: FILTER, onFilter };

  it('are the same for a new summary with the same counts', () => {
    expect(sameCounters(props, { ...props, summary: { ...SUMMARY } })).toBe(
      true,
    );
  });

  it('change with a count, the filter or the first summary', () => {
    expect(
      sameCounters(props, { ...props, summary: { ...SUMMARY, pushed: 2 } }),
    ).toBe(false);
    expect(
      sameCounters(props, { ...props, filter: { serial: 'checked' } }),
    ).toBe(false);
    expect(sameCounters({ ...props, summary: undefined }, props)).toBe(false);
  });

  it('show a changed count', async () => {
    let setSummary: (s: ZtpQueueSummary) => void = () => {};
    function Harness() {
      const [summary, set] = useState(SUMMARY);
      setSummary = set;
      return (
        <QueueCounters summary={summary} filter={FILTER} onFilter={onFilter} />
      );
    }
    await renderInTestApp(<Harness />);
    expect(screen.getByTestId('counter-checked')).toHaveTextContent('30');
    act(() => setSummary({ ...SUMMARY, checked: 31 }));
    expect(screen.getByTestId('counter-checked')).toHaveTextContent('31');
    expect(
      screen.getByRole('button', { name: 'Serial checked: 31' }),
    ).toBeInTheDocument();
  });
});

describe('the filter fields above the queue', () => {
  const props = {
    filter: FILTER,
    sites: ['par1', 'lon2'],
    platforms: ['cisco-iosxe'],
    onChange: onFilter,
  };

  it('are the same for new lists of the same sites and platforms', () => {
    expect(
      sameFilterFields(props, {
        ...props,
        sites: ['par1', 'lon2'],
        platforms: ['cisco-iosxe'],
      }),
    ).toBe(true);
  });

  it('change with a site, a platform or the filter', () => {
    expect(sameFilterFields(props, { ...props, sites: ['par1'] })).toBe(false);
    expect(sameFilterFields(props, { ...props, sites: ['par1', 'ams3'] })).toBe(
      false,
    );
    expect(
      sameFilterFields(props, {
        ...props,
        platforms: ['cisco-iosxe', 'arista-eos'],
      }),
    ).toBe(false);
    expect(sameFilterFields(props, { ...props, filter: { q: 'leaf' } })).toBe(
      false,
    );
  });

  it('offer a site that appeared', async () => {
    let setSites: (s: string[]) => void = () => {};
    function Harness() {
      const [sites, set] = useState(['par1', 'lon2']);
      setSites = set;
      return (
        <QueueFilters
          filter={FILTER}
          sites={sites}
          platforms={['cisco-iosxe']}
          onChange={onFilter}
        />
      );
    }
    await renderInTestApp(<Harness />, { apis: ztpTestApis() });
    act(() => setSites(['par1', 'lon2', 'ams3']));
    await userEvent.click(screen.getByRole('button', { name: 'Site Any' }));
    expect(
      within(screen.getByRole('listbox')).getByRole('option', { name: 'ams3' }),
    ).toBeInTheDocument();
  });
});
