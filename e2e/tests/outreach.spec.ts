import { expect, test } from '@playwright/test';
import { credentials, expectNoA11yViolations, login } from './helpers';

// Offline outreach on a phone: the operator opens the offline page, loses the signal, records a
// session on the phone, gets the signal back and syncs. Syncing again (the answer was lost,
// two taps) stores no second session; the phone's IndexedDB never holds anything personal.

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const ALLOWED_KEYS = new Set(['client_uuid', 'held_on', 'comune', 'team_id', 'desk_id', 'contacts', 'materials', 'needs']);
const ROW_KEYS = new Set(['sex', 'age_band', 'nationality', 'sector', 'count']);

test('a session recorded offline is synced once, and nothing personal stays on the phone', async ({ page, context }) => {
  await login(page, 'operator');
  await page.goto('/uscite/offline');
  await expectNoA11yViolations(page);
  // The service worker takes control of the page (it caches it for the next time offline).
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });

  await context.setOffline(true);
  await page.fill('#of-comune', '020028');
  await page.selectOption('#of-sex-1', 'm');
  await page.selectOption('#of-age-1', '25_34');
  await page.selectOption('#of-nat-1', 'IN');
  await page.fill('#of-count-1', '5');
  await page.selectOption('#of-sex-2', 'f');
  await page.fill('#of-count-2', '2');
  await page.selectOption('#of-lf-lang', 'pa');
  await page.fill('#of-lf-q', '10');
  // Bootstrap Italia draws the box on the label (the input itself is hidden): tap the label.
  await page.click('label[for="of-n-salario"]');
  await expect(page.locator('#of-n-salario')).toBeChecked();
  await page.click('#offline-save');
  await expect(page.locator('#offline-count')).toHaveText('1');

  // What the phone holds: only the anonymous schema, coded values and numbers.
  const stored = await page.evaluate(() => new Promise<unknown[]>((resolve, reject) => {
    const req = indexedDB.open('argine-outreach');
    req.onsuccess = () => {
      const get = req.result.transaction('pending', 'readonly').objectStore('pending').getAll();
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
  expect(stored).toHaveLength(1);
  const rec = stored[0] as Record<string, unknown>;
  for (const k of Object.keys(rec)) expect(ALLOWED_KEYS.has(k), `key ${k}`).toBe(true);
  for (const row of rec.contacts as Record<string, unknown>[]) {
    for (const k of Object.keys(row)) expect(ROW_KEYS.has(k), `row key ${k}`).toBe(true);
  }
  const text = JSON.stringify(rec);
  const op = credentials().accounts.operator;
  for (const personal of [op?.email ?? '@', op?.name ?? 'Olga', 'Olga', '@']) {
    expect(text.includes(personal), `"${personal}" on the phone`).toBe(false);
  }
  // Sync while offline fails and keeps the record.
  await page.click('#offline-sync');
  await expect(page.locator('#offline-count')).toHaveText('1');

  await context.setOffline(false);
  await page.click('#offline-sync');
  await expect(page.locator('#offline-count')).toHaveText('0');
  // Sent again (the phone never saw the answer): the server answers with the same session.
  const again = await page.evaluate(async (body) => {
    const r = await fetch('/uscite/sincronizza', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  }, rec);
  expect(again.status).toBe(200);
  expect(again.body.created).toBe(false);
  await page.click('#offline-sync');

  // Exactly one session with this UUID on the server, with the counts sent.
  await page.goto('/uscite');
  const link = page.locator(`a[href="/uscite/${again.body.id}"]`);
  await expect(link).toHaveCount(1);
  await link.click();
  await expect(page.locator('#session-total')).toHaveText('7');
  await expect(page.locator('#open-case')).toHaveAttribute('href', `/casi/nuovo?sessione=${again.body.id}`);
});
