/**
 * Shared helpers of the browser tests: demo credentials, TOTP, login/logout, axe checks.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// ---------------------------------------------------------------------------------------------
// Credentials (`demo-credentials.txt` written by `argine demo`)
// ---------------------------------------------------------------------------------------------

export type Who =
  | 'admin'
  | 'coordinator'
  | 'operator'
  | 'referent'
  | 'secretariat'
  | 'viewer'
  | 'supervisor'
  | 'antitratta'
  | 'union';

export interface Account {
  email: string;
  password: string;
  /** Base32 TOTP secret; absent for accounts without a second factor (the viewer). */
  totpSecret?: string;
  /** Display name, when the file has a `<who>.name=` line (optional). */
  name?: string;
}

export interface Credentials {
  url?: string;
  apiToken?: string;
  accounts: Partial<Record<string, Account>>;
  /** A Comune's secret link to the open census campaign (`census_link=`). */
  censusLink?: string;
}

/**
 * Parses `key=value` lines; blank lines and `#` comments are ignored. Account keys are
 * `<who>.email`, `<who>.password`, `<who>.totp_secret` and (optional) `<who>.name`.
 */
export function parseCredentials(text: string): Credentials {
  const creds: Credentials = { accounts: {} };
  const partial: Record<string, Partial<Account>> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'url') {
      creds.url = value;
      continue;
    }
    if (key === 'api_token') {
      creds.apiToken = value;
      continue;
    }
    if (key === 'census_link') {
      creds.censusLink = value;
      continue;
    }
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    const who = key.slice(0, dot);
    const field = key.slice(dot + 1);
    const acc = (partial[who] ??= {});
    switch (field) {
      case 'email':
        acc.email = value;
        break;
      case 'password':
        acc.password = value;
        break;
      case 'totp_secret':
        if (value !== '') acc.totpSecret = value;
        break;
      case 'name':
      case 'display_name':
        if (value !== '') acc.name = value;
        break;
      default:
        break;
    }
  }
  for (const [who, acc] of Object.entries(partial)) {
    if (acc.email !== undefined && acc.password !== undefined) {
      creds.accounts[who] = acc as Account;
    }
  }
  return creds;
}

let cached: Credentials | undefined;

/** The credentials named by `ARGINE_CREDENTIALS` (read once, on first use). */
export function credentials(): Credentials {
  if (cached) return cached;
  const file = process.env.ARGINE_CREDENTIALS;
  if (!file) {
    throw new Error(
      'ARGINE_CREDENTIALS is not set: point it at the demo-credentials.txt written by ' +
        '`argine demo --data-dir DIR` (see e2e/README.md)',
    );
  }
  cached = parseCredentials(readFileSync(file, 'utf8'));
  return cached;
}

export function account(who: Who): Account {
  const acc = credentials().accounts[who];
  if (!acc) {
    throw new Error(`${process.env.ARGINE_CREDENTIALS} has no ${who}.email/${who}.password lines`);
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------
// TOTP (RFC 6238 over RFC 4226 HOTP; HMAC-SHA1, 6 digits, 30-second steps)
// ---------------------------------------------------------------------------------------------

export const TOTP_STEP_SECONDS = 30;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, case-insensitive; spaces, hyphens and `=` padding are ignored. */
export function base32Decode(input: string): Buffer {
  const clean = input.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const idx = BASE32_ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP of `counter` with HMAC-SHA1. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary =
    ((mac[offset] & 0x7f) << 24) |
    ((mac[offset + 1] & 0xff) << 16) |
    ((mac[offset + 2] & 0xff) << 8) |
    (mac[offset + 3] & 0xff);
  return (binary % 10 ** digits).toString().padStart(digits, '0');
}

/** The TOTP time step that contains `unixSeconds`. */
export function totpStep(unixSeconds: number = Date.now() / 1000): number {
  return Math.floor(unixSeconds / TOTP_STEP_SECONDS);
}

/**
 * The TOTP code at `unixSeconds` (default: now). `secret` is a base32 string or the raw key bytes.
 */
export function totp(secret: string | Buffer, unixSeconds: number = Date.now() / 1000, digits = 6): string {
  const key = typeof secret === 'string' ? base32Decode(secret) : secret;
  return hotp(key, totpStep(unixSeconds), digits);
}

// ---------------------------------------------------------------------------------------------
// Navigation helpers
// ---------------------------------------------------------------------------------------------

/** Clicks a submit button and waits until the page that the submission leads to has loaded. */
export async function submitAndWait(page: Page, button: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await button.click();
  await navigated;
  await page.waitForLoadState('load');
}

export function pathname(page: Page): string {
  return new URL(page.url()).pathname;
}

async function alertText(page: Page): Promise<string> {
  const alerts = page.getByRole('alert');
  if ((await alerts.count()) === 0) return '(no role=alert message)';
  return (await alerts.allInnerTexts()).join(' | ').trim();
}

// ---------------------------------------------------------------------------------------------
// Login / logout
// ---------------------------------------------------------------------------------------------

/**
 * Opens /login and submits e-mail and password (no second factor). Afterwards the page is
 * wherever the server sent it: `/login/mfa` for an account with TOTP, the target otherwise.
 */
export async function submitPassword(page: Page, who: Who, password?: string): Promise<void> {
  const acc = account(who);
  await page.goto('/login');
  await page.locator('#email').fill(acc.email);
  await page.locator('#password').fill(password ?? acc.password);
  await submitAndWait(page, page.locator('form:has(#password) [type="submit"]').first());
}

/** The last TOTP step this process has spent per secret: the server accepts each step once. */
const lastStepUsed = new Map<string, number>();

async function sleepUntilStep(step: number): Promise<void> {
  // Half a second past the boundary, so that the server's clock is surely in the new step too.
  const ms = step * TOTP_STEP_SECONDS * 1000 + 500 - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Answers the TOTP challenge on `/login/mfa`. A code of a step already spent (by this process or
 * by an earlier run) is refused by the server; then this waits for the next step and tries once more.
 */
export async function answerMfa(page: Page, totpSecret: string): Promise<void> {
  const key = base32Decode(totpSecret);
  for (let attempt = 1; attempt <= 2; attempt++) {
    let step = totpStep();
    const spent = lastStepUsed.get(totpSecret);
    if (spent !== undefined && step <= spent) {
      await sleepUntilStep(spent + 1);
      step = totpStep();
    }
    const code = hotp(key, step);
    lastStepUsed.set(totpSecret, step);
    await page.locator('#code').fill(code);
    await submitAndWait(page, page.locator('form:has(#code) [type="submit"]').first());
    if (pathname(page) !== '/login/mfa') return;
    const message = await alertText(page);
    if (attempt === 2) {
      throw new Error(`the TOTP code was refused twice on /login/mfa: ${message}`);
    }
    // Most likely this step was already spent (a previous login less than 30 s ago): next step.
  }
}

/**
 * Logs `who` in with e-mail and password and, when the account has a TOTP secret, answers the
 * MFA challenge. Ends on the page the server lands on after login (normally `/`).
 */
export async function login(page: Page, who: Who): Promise<void> {
  const acc = account(who);
  await submitPassword(page, who);
  let where = pathname(page);
  if (where === '/login') {
    throw new Error(`password login of ${who} (${acc.email}) failed: ${await alertText(page)}`);
  }
  if (acc.totpSecret) {
    if (where !== '/login/mfa') {
      throw new Error(`${who} has a TOTP secret but after the password the server went to ${page.url()}, not /login/mfa`);
    }
    await answerMfa(page, acc.totpSecret);
    where = pathname(page);
  }
  if (where.startsWith('/login') || where === '/account/mfa') {
    throw new Error(`login of ${who} did not complete: ended on ${page.url()}`);
  }
}

/** The logout button of the header. */
export function logoutButton(page: Page): Locator {
  return page.locator('header form[action="/logout"]').getByRole('button');
}

/** Logs out with the header's button; ends on /login. */
export async function logout(page: Page): Promise<void> {
  await submitAndWait(page, logoutButton(page));
  await expect(page).toHaveURL(/\/login(\?|$)/);
}

// ---------------------------------------------------------------------------------------------
// Accessibility and screenshots
// ---------------------------------------------------------------------------------------------

export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Where explicit screenshots go (e2e/test-results/, gitignored). */
export const RESULTS_DIR = path.resolve(__dirname, '..', 'test-results');

/** A full-page screenshot to `test-results/<subdir>/<name>.png`; returns its path. */
export async function fullPageScreenshot(page: Page, name: string, subdir = 'screens'): Promise<string> {
  const dir = path.join(RESULTS_DIR, subdir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and fails listing each violation's id,
 * impact and the selectors of the offending elements.
 */
export async function expectNoA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(A11Y_TAGS).analyze();
  const { violations } = results;
  if (violations.length > 0) {
    try {
      await test.info().attach('axe-violations.json', {
        body: JSON.stringify(violations, null, 2),
        contentType: 'application/json',
      });
    } catch {
      // Not inside a test: nothing to attach to.
    }
  }
  const report = violations
    .map((v) => {
      const targets = v.nodes
        .map((n) => '      ' + n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' >> '))
        .join('\n');
      return `  - ${v.id} [${v.impact ?? 'unknown impact'}] ${v.help} (${v.nodes.length} node(s))\n${targets}`;
    })
    .join('\n');
  expect(violations.length, `axe: ${violations.length} accessibility violation(s) on ${page.url()}:\n${report}\n`).toBe(0);
}
