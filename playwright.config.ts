import { defineConfig } from '@playwright/test';

/**
 * End-to-end test of the whole ZTP flow in Debian's Chromium (no browser
 * download): the portal, its backend and a simulated fleet are started by
 * e2e/stack.sh on a throw-away SQLite directory.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: 'e2e/results',
  webServer: {
    command: 'bash e2e/stack.sh',
    url: 'http://127.0.0.1:7007/.backstage/health/v1/readiness',
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // Playwright starts the stack in a process group of its own and stops
    // that group by its id: SIGTERM first, so e2e/stack.sh removes its data
    // directory, then SIGKILL for whatever is left of the group.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'on',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
