import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { OnDemandTooltip } from './OnDemandTooltip';

describe('OnDemandTooltip', () => {
  it('renders its child alone, with the title as a native title, until it is reached', async () => {
    await renderInTestApp(
      <OnDemandTooltip title="Why it is disabled">
        <span data-testid="target">Chip</span>
      </OnDemandTooltip>,
    );
    expect(screen.getByTestId('target')).toHaveAttribute(
      'title',
      'Why it is disabled',
    );
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('opens at the first hover and closes when the pointer leaves', async () => {
    const onMouseOver = jest.fn();
    const onFocus = jest.fn();
    await renderInTestApp(
      <OnDemandTooltip title="Why it is disabled">
        <span data-testid="target" onMouseOver={onMouseOver} onFocus={onFocus}>
          Chip
        </span>
      </OnDemandTooltip>,
    );
    await userEvent.hover(screen.getByText('Chip'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Why it is disabled',
    );
    // The child's own handler still runs.
    expect(onMouseOver).toHaveBeenCalled();
    // Open, the tooltip describes its child instead of a native title.
    expect(screen.getByTestId('target')).not.toHaveAttribute('title');
    await userEvent.unhover(screen.getByText('Chip'));
    await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
    // And opens again at the next hover, as a Tooltip does.
    await userEvent.hover(screen.getByText('Chip'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Why it is disabled',
    );
  });

  it('opens when the keyboard focuses its child', async () => {
    await renderInTestApp(
      <OnDemandTooltip title="Fix serial mismatch">
        <button type="button" aria-label="Fix serial mismatch">
          ⚙
        </button>
      </OnDemandTooltip>,
    );
    await userEvent.tab();
    expect(
      screen.getByRole('button', { name: 'Fix serial mismatch' }),
    ).toHaveFocus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Fix serial mismatch',
    );
  });

  it('shows a title that is not text once reached', async () => {
    await renderInTestApp(
      <OnDemandTooltip title={<strong>Replacement by guest</strong>}>
        <span data-testid="target">Replacement</span>
      </OnDemandTooltip>,
    );
    expect(screen.getByTestId('target')).not.toHaveAttribute('title');
    await userEvent.hover(screen.getByText('Replacement'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Replacement by guest',
    );
  });
});
