import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests of argine against a running server (see README.md).
 *
 *   ARGINE_URL          base URL of the server (default http://127.0.0.1:8080)
 *   ARGINE_CREDENTIALS  the demo-credentials.txt written by `argine demo`
 *   CHROMIUM_PATH       Chromium binary (default Debian's /usr/bin/chromium);
 *                       Playwright's own browser downloads are not used.
 */
const baseURL = process.env.ARGINE_URL || 'http://127.0.0.1:8080';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The network here is closed: keep Chromium from phoning home and from using the GPU. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  // A login with TOTP may have to wait for the next 30-second step (codes are single-use).
  timeout: 120_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    // The users of an Italian public administration; i18n.spec sets other locales itself.
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
    screenshot: 'only-on-failure',
    trace: 'off',
    video: 'off',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        locale: 'it-IT',
        launchOptions: {
          executablePath,
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
});
