import { expect, test } from '@playwright/test';
import { expectNoA11yViolations, fullPageScreenshot, pathname } from './helpers';

// The public territory pages: axe-core on each kind of page, and the map drilled from Italy to
// a comune, by mouse and by keyboard.

const pages = [
  { name: 'territorio', path: '/territorio' },
  { name: 'territorio-search', path: '/territorio?q=Sircusa' },
  { name: 'territorio-regione', path: '/territorio/regioni/03' },
  { name: 'territorio-provincia', path: '/territorio/province/020' },
  { name: 'territorio-comune', path: '/territorio/comuni/020030' },
  { name: 'territorio-comune-bilingue', path: '/territorio/comuni/021008' },
  { name: 'territorio-comune-storico', path: '/territorio/comuni/D005' },
  { name: 'territorio-mappa', path: '/territorio/mappa' },
];

test.describe('accessibility, territory', () => {
  for (const t of pages) {
    test(t.path, async ({ page }) => {
      const response = await page.goto(t.path);
      expect(response?.status()).toBe(200);
      if (t.path.endsWith('/mappa')) await expect(page.locator('#map path[role="button"]').first()).toBeVisible();
      await fullPageScreenshot(page, t.name, 'a11y');
      await expectNoA11yViolations(page);
    });
  }
});

test('search finds a comune despite a typo and opens its profile', async ({ page }) => {
  await page.goto('/territorio');
  await page.fill('#q', 'Sircusa');
  await page.locator('form[role="search"] button[type="submit"]').click();
  await page.getByRole('link', { name: 'Siracusa' }).click();
  expect(pathname(page)).toBe('/territorio/comuni/089017');
  await expect(page.locator('h1')).toHaveText('Siracusa');
});

test('the map drills from Italy to a region, a province and a comune', async ({ page }) => {
  await page.goto('/territorio/mappa');
  const areas = page.locator('#map path[role="button"]');
  await expect(areas).toHaveCount(20);
  await fullPageScreenshot(page, 'map-italy', 'map');
  // A click event on the area itself (a click at the centre of its bounding box could land on a
  // neighbour or on a tooltip).
  await page.locator('#map path[aria-label^="Apri: Lombardia"]').dispatchEvent('click');
  await expect(page.locator('#map-level')).toHaveText('Lombardia');
  await expect(areas).toHaveCount(12);
  await fullPageScreenshot(page, 'map-lombardia', 'map');
  // By keyboard: focus the province of Mantova and press Enter.
  await page.locator('#map path[aria-label^="Apri: Mantova"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#map-level')).toHaveText('Mantova');
  await expect.poll(async () => areas.count()).toBeGreaterThan(50);
  await fullPageScreenshot(page, 'map-mantova', 'map');
  // Back up one level, and down again.
  await page.locator('#map-back').click();
  await expect(page.locator('#map-level')).toHaveText('Lombardia');
  await page.locator('#map path[aria-label^="Apri: Mantova"]').dispatchEvent('click');
  await expect(page.locator('#map-level')).toHaveText('Mantova');
  await expect.poll(async () => areas.count()).toBeGreaterThan(50);
  await page.locator('#map path[aria-label^="Apri: Mantova,"]').dispatchEvent('click');
  await page.waitForURL('**/territorio/comuni/020030');
  await expect(page.locator('h1')).toHaveText('Mantova');
  await fullPageScreenshot(page, 'map-comune-mantova', 'map');
});
