import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { makeDevice } from '../../__testUtils__/fixtures';
import { ConfFinalBadge } from './ConfFinalBadge';
import { ConfMinBadge } from './ConfMinBadge';
import { SerialBadge } from './SerialBadge';

/** The chip of a badge, found by its label. */
const chip = (label: string) =>
  screen.getByText(label).closest('[data-tone]') as HTMLElement;

describe('ConfMinBadge', () => {
  it('shows Not Loaded in a neutral colour', async () => {
    const { confMin } = makeDevice('a', {
      confMin: { state: 'not-loaded', loadedAt: undefined, fetchCount: 0 },
    });
    await renderInTestApp(<ConfMinBadge confMin={confMin} />);
    expect(chip('Not Loaded')).toHaveAttribute('data-tone', 'neutral');
    expect(document.querySelector('time')).toBeNull();
  });

  it('shows Loaded in green with the time it was fetched', async () => {
    const loadedAt = new Date(Date.now() - 3 * 60_000).toISOString();
    const { confMin } = makeDevice('a', { confMin: { loadedAt } });
    await renderInTestApp(<ConfMinBadge confMin={confMin} />);
    expect(chip('Loaded')).toHaveAttribute('data-tone', 'ok');
    const time = screen.getByText('3 minutes ago');
    expect(time).toHaveAttribute('datetime', loadedAt);
  });
});

describe('SerialBadge', () => {
  it('shows Checked in green, without the gear', async () => {
    const { serial } = makeDevice('a', { serial: { state: 'checked' } });
    await renderInTestApp(<SerialBadge serial={serial} onFix={jest.fn()} />);
    expect(chip('Checked')).toHaveAttribute('data-tone', 'ok');
    expect(
      screen.queryByRole('button', { name: 'Fix serial mismatch' }),
    ).toBeNull();
  });

  it('shows Mismatch in the alert colour with a gear that opens the fix', async () => {
    const onFix = jest.fn();
    const { serial } = makeDevice('a');
    await renderInTestApp(<SerialBadge serial={serial} onFix={onFix} />);
    expect(chip('Mismatch')).toHaveAttribute('data-tone', 'error');
    await userEvent.click(
      screen.getByRole('button', { name: 'Fix serial mismatch' }),
    );
    expect(onFix).toHaveBeenCalledTimes(1);
  });

  it('hides the gear of a Mismatch when the user may not fix it', async () => {
    const { serial } = makeDevice('a');
    await renderInTestApp(<SerialBadge serial={serial} />);
    expect(chip('Mismatch')).toHaveAttribute('data-tone', 'error');
    expect(
      screen.queryByRole('button', { name: 'Fix serial mismatch' }),
    ).toBeNull();
  });

  it('shows Not Checked in a neutral colour and a running check', async () => {
    const { serial } = makeDevice('a', {
      serial: {
        state: 'not-checked',
        presentedSerial: undefined,
        checking: true,
      },
    });
    await renderInTestApp(<SerialBadge serial={serial} onFix={jest.fn()} />);
    expect(chip('Not Checked')).toHaveAttribute('data-tone', 'neutral');
    expect(
      screen.getByLabelText('Serial check in progress'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Fix serial mismatch' }),
    ).toBeNull();
  });
});

describe('ConfFinalBadge', () => {
  it.each([
    ['not-pushed', 'Not Pushed', 'neutral'],
    ['pushing', 'Pushing', 'running'],
    ['pushed', 'Pushed', 'ok'],
    ['failed', 'Failed', 'error'],
  ] as const)('shows %s as %s (%s)', async (state, label, tone) => {
    await renderInTestApp(<ConfFinalBadge confFinal={{ state }} />);
    expect(chip(label)).toHaveAttribute('data-tone', tone);
  });
});
