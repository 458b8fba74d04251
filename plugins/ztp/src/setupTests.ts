import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines have two cores shared by every test worker: give renders and
// async queries room instead of failing on a busy machine.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

// React's development warnings (a list without keys, a heading inside a
// paragraph, an input switching between uncontrolled and controlled) fail
// the test that rendered them: the browser console of the portal stays clean.
const REACT_WARNING =
  /^Warning: (Each child in a list|validateDOMNesting|In HTML, |A component is changing an? (un)?controlled|Encountered two children with the same key)/;
let reactWarnings: string[] = [];
// eslint-disable-next-line no-console -- React reports its warnings there
const consoleError = console.error.bind(console);
beforeEach(() => {
  reactWarnings = [];
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    const [format, ...rest] = args;
    if (typeof format === 'string' && REACT_WARNING.test(format)) {
      let i = 0;
      reactWarnings.push(
        format.replace(/%s/g, () => String(rest[i++] ?? '')).slice(0, 2000),
      );
    }
    consoleError(...args);
  });
});
afterEach(() => {
  // eslint-disable-next-line no-console
  (console.error as jest.Mock).mockRestore?.();
  if (reactWarnings.length) {
    throw new Error(`React warned:\n${reactWarnings.join('\n---\n')}`);
  }
});
