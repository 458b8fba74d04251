import {
  createDeviceFetchFollowUp,
  REFETCH_SIGNAL_INTERVAL_MS,
} from './deviceFetchFollowUp';

describe('createDeviceFetchFollowUp', () => {
  let now = 1_000_000;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  function followUp() {
    const published: string[] = [];
    const checks: [string, number][] = [];
    const fetched = createDeviceFetchFollowUp({
      publish: ref => published.push(ref),
      triggerSerialCheck: (ref, delayMs) => checks.push([ref, delayMs]),
      firstCheckDelayMs: 4000,
    });
    return { fetched, published, checks };
  }

  it('publishes a first fetch at once and schedules its serial check after the delay', () => {
    const { fetched, published, checks } = followUp();
    fetched({ entityRef: 'a', serialState: 'not-checked', first: true });
    expect(published).toEqual(['a']);
    expect(checks).toEqual([['a', 4000]]);
  });

  it('schedules no check for a device whose serial is already checked', () => {
    const { fetched, published, checks } = followUp();
    fetched({ entityRef: 'a', serialState: 'checked', first: true });
    expect(published).toEqual(['a']);
    expect(checks).toEqual([]);
  });

  it('publishes repeated fetches of one device at most once per interval', () => {
    const { fetched, published, checks } = followUp();
    const again = {
      entityRef: 'a',
      serialState: 'checked' as const,
      first: false,
    };
    fetched({ entityRef: 'a', serialState: 'not-checked', first: true });
    now += 1000;
    fetched(again);
    fetched(again);
    expect(published).toEqual(['a']);
    // Another device's fetches are not held up by this one's.
    fetched({ entityRef: 'b', serialState: 'checked', first: false });
    expect(published).toEqual(['a', 'b']);
    now += REFETCH_SIGNAL_INTERVAL_MS;
    fetched(again);
    expect(published).toEqual(['a', 'b', 'a']);
    expect(checks).toEqual([['a', 4000]]);
  });
});
