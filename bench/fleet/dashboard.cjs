/*
 * The ZTP dashboard in headless Chromium against a running portal: time to
 * the first rows of the queue, then how long a search and a filter take to
 * show their rows. Uses Debian's Chromium through playwright-core.
 *
 * usage: dashboard.cjs <portal base URL> [<a device name to search for>] [--trace <file>]
 * prints one JSON line. With --trace, the filters are recorded in a Chromium
 * performance trace (open it in the browser's Performance panel).
 */
'use strict';

const { chromium } = require('playwright-core');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const ROW = 'table[aria-label="ZTP queue"] tbody tr';

async function timeUntil(start, promise) {
  await promise;
  return Date.now() - start;
}

/**
 * Times, inside the page, from the next user event of this type (the
 * option's click, the search box's input) to the frame that draws the rows
 * the condition waits for: what the user sees, without the driver's own
 * steps (Playwright checks that an element is visible and still before it
 * clicks, then polls for the rows: 50–80 ms of the figures timed from
 * outside). `condition` is `one <text>`, `many` or `all <text>`.
 */
async function armInPageTiming(page, eventType, condition) {
  await page.evaluate(
    ([eventType, condition, rowSelector]) => {
      const timing = (window.__ztpBenchTiming = {});
      const [kind, ...rest] = condition.split(' ');
      const text = rest.join(' ');
      const shown = () => {
        const rows = [...document.querySelectorAll(rowSelector)];
        if (kind === 'many') return rows.length > 1;
        if (kind === 'one')
          return rows.length === 1 && rows[0].textContent.includes(text);
        return rows.length > 0 && rows.every(r => r.textContent.includes(text));
      };
      document.addEventListener(
        eventType,
        () => {
          timing.from = performance.now();
          const check = () => {
            if (!shown()) {
              requestAnimationFrame(check);
              return;
            }
            // In this frame's callbacks: the rows are painted right after.
            setTimeout(() => {
              timing.drawn = performance.now() - timing.from;
            }, 0);
          };
          requestAnimationFrame(check);
        },
        { capture: true, once: true },
      );
    },
    [eventType, condition, ROW],
  );
}

async function inPageTime(page) {
  const handle = await page.waitForFunction(
    () => window.__ztpBenchTiming?.drawn,
  );
  return Math.round(await handle.jsonValue());
}

async function measureDashboard(baseUrl, searchFor, options = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Sign in as the guest (the sign-in page, then the dashboard).
    let start = Date.now();
    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: 'Enter' }).click();
    const signInToRows = await timeUntil(
      start,
      page.locator(ROW).first().waitFor(),
    );

    // The figure of the issue: a fresh load of the dashboard, signed in.
    const firstRender = [];
    for (let i = 0; i < 3; i++) {
      start = Date.now();
      await page.goto(`${baseUrl}/ztp`, { waitUntil: 'commit' });
      firstRender.push(
        await timeUntil(
          start,
          page.locator(`${ROW}:has-text("bench-")`).first().waitFor(),
        ),
      );
    }

    // Search: from the typed text to the one matching row alone on screen.
    const search = page.locator('#ztp-filter-search');
    const searches = [];
    const searchesInPage = [];
    for (const text of [searchFor, '']) {
      await armInPageTiming(page, 'input', text ? `one ${searchFor}` : 'many');
      start = Date.now();
      await search.fill(text);
      if (text) {
        await page
          .locator(ROW)
          .filter({ hasText: searchFor })
          .first()
          .waitFor();
        await page.waitForFunction(
          sel => document.querySelectorAll(sel).length === 1,
          ROW,
        );
      } else {
        await page.waitForFunction(
          sel => document.querySelectorAll(sel).length > 1,
          ROW,
        );
      }
      searches.push(Date.now() - start);
      searchesInPage.push(await inPageTime(page));
    }

    // A filter: Platform = one of the four, rows of that platform only.
    // Timed from the click on the option once the menu has finished opening
    // (its transition takes about 250 ms, during which Playwright waits for
    // the option to stop moving), and also from the moment the option is
    // shown, as the figure was taken before (the menu's opening included).
    const filters = [];
    const filtersFromMenu = [];
    const filtersInPage = [];
    if (options.trace) {
      await browser.startTracing(page, {
        path: options.trace,
        screenshots: false,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'disabled-by-default-devtools.timeline.frame',
          'v8.execute',
          'blink.user_timing',
        ],
      });
    }
    for (const [id, option] of [
      ['arista-eos', 'Arista EOS'],
      ['cisco-nxos', 'Cisco NX-OS'],
    ]) {
      await page.locator('#ztp-filter-platform').click();
      const choice = page.getByRole('option', { name: option });
      await choice.waitFor();
      const shown = Date.now();
      await choice.click({ trial: true });
      await armInPageTiming(page, 'click', `all ${option}`);
      start = Date.now();
      await choice.click();
      await page.waitForURL(new RegExp(`platform=${id}`));
      await page.waitForFunction(
        ([sel, name]) => {
          const rows = [...document.querySelectorAll(sel)];
          return (
            rows.length > 0 && rows.every(r => r.textContent.includes(name))
          );
        },
        [ROW, option],
      );
      filters.push(Date.now() - start);
      filtersFromMenu.push(Date.now() - shown);
      filtersInPage.push(await inPageTime(page));
    }
    if (options.trace) await browser.stopTracing();
    return {
      signInToRows,
      firstRender,
      searches,
      searchesInPage,
      filters,
      filtersInPage,
      filtersFromMenu,
    };
  } finally {
    await browser.close();
  }
}

module.exports = { measureDashboard };

if (require.main === module) {
  const args = process.argv.slice(2);
  const traceAt = args.indexOf('--trace');
  const trace = traceAt >= 0 ? args.splice(traceAt, 2)[1] : undefined;
  const [baseUrl, searchFor] = args;
  measureDashboard(baseUrl, searchFor ?? 'bench-00042', { trace })
    .then(r => console.log(JSON.stringify(r)))
    .catch(e => {
      console.error(e);
      process.exit(1);
    });
}
