import { SEARCH_DEBOUNCE_MS, searchDelayMs } from './QueueFilters';

describe('searchDelayMs', () => {
  it('waits for the typing to pause after a key typed or erased', () => {
    expect(searchDelayMs('', 'l')).toBe(SEARCH_DEBOUNCE_MS);
    expect(searchDelayMs('leaf', 'leaf-')).toBe(SEARCH_DEBOUNCE_MS);
    expect(searchDelayMs('leaf-', 'leaf')).toBe(SEARCH_DEBOUNCE_MS);
  });

  it('searches at once after a paste or when the box is cleared', () => {
    expect(searchDelayMs('', '52:54:00:12:34:56')).toBe(0);
    expect(searchDelayMs('leaf-04', '')).toBe(0);
    // A selection replaced by a pasted text of the same length.
    expect(searchDelayMs('FDO1234', 'SSJ2015')).toBe(0);
  });
});
