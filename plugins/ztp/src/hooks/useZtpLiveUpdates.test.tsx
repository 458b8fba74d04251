import { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { MockSignalApi } from '../__testUtils__/MockSignalApi';
import { useZtpLiveUpdates } from './useZtpLiveUpdates';

const sleep = (ms: number) =>
  act(() => new Promise<void>(resolve => setTimeout(resolve, ms)));

function setup(signals?: MockSignalApi) {
  const onSignal = jest.fn();
  const onRefresh = jest.fn();
  const wrapper = ({ children }: { children: ReactNode }) =>
    signals ? (
      <TestApiProvider apis={[[signalApiRef, signals]]}>
        {children}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
  const { result, unmount } = renderHook(
    () =>
      useZtpLiveUpdates<{ n: number }>({
        channel: 'ztp:queue',
        onSignal,
        onRefresh,
        pollIntervalMs: 40,
        refreshAfterSignalMs: 80,
      }),
    { wrapper },
  );
  return { result, unmount, onSignal, onRefresh };
}

describe('useZtpLiveUpdates', () => {
  it('applies every signal and coalesces the refreshes that follow', async () => {
    const signals = new MockSignalApi();
    const { result, onSignal, onRefresh, unmount } = setup(signals);
    expect(result.current.isSignalsAvailable).toBe(true);

    signals.publish('ztp:queue', { n: 1 });
    signals.publish('ztp:queue', { n: 2 });
    signals.publish('ztp:queue', { n: 3 });
    expect(onSignal.mock.calls.map(([m]) => m.n)).toEqual([1, 2, 3]);
    expect(onRefresh).not.toHaveBeenCalled();

    await waitFor(() => expect(onRefresh).toHaveBeenCalledTimes(1));
    // With signals, the short poll interval is not used.
    await sleep(150);
    expect(onRefresh).toHaveBeenCalledTimes(1);
    unmount();
  });

  it('polls while the app has no signals', async () => {
    const { result, onRefresh, unmount } = setup();
    expect(result.current.isSignalsAvailable).toBe(false);
    await waitFor(() =>
      expect(onRefresh.mock.calls.length).toBeGreaterThanOrEqual(2),
    );
    unmount();
    const calls = onRefresh.mock.calls.length;
    await sleep(100);
    expect(onRefresh).toHaveBeenCalledTimes(calls);
  });
});
