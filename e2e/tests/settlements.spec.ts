import { expect, test } from '@playwright/test';
import { expectNoA11yViolations, fullPageScreenshot, login } from './helpers';

// The settlement registry on a phone: the secretariat opens an informal settlement fed from the
// census, records a visit with the position the device gives, and sees it; San Severo's referent
// opens a settlement of their Comune and sees the Comune, never the exact point.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('a visit with the device position is recorded; a role without access sees only the Comune', async ({ browser }) => {
  const ctx = await browser.newContext({
    ...PHONE,
    geolocation: { latitude: 41.4632, longitude: 15.8427, accuracy: 12 },
    permissions: ['geolocation'],
  });
  const page = await ctx.newPage();
  await login(page, 'secretariat');
  await page.goto('/insediamenti?tipo=informal');
  await expect(page.locator('#total-settlements')).toHaveText('150');
  await expect(page.locator('#total-comuni')).toHaveText('38');
  await expect(page.locator('#total-regions')).toHaveText('11');
  await page.getByRole('link', { name: /Borgo Mezzanone/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Borgo Mezzanone');
  await expect(page.locator('#settlement-position')).toContainText('solo il Comune');
  await expectNoA11yViolations(page);

  // The device's position fills the fields; nothing else is typed but the people counted.
  await page.locator('#observation-form').getByRole('button', { name: 'Usa la mia posizione' }).click();
  await expect(page.locator('#o-lat')).toHaveValue('41.463200');
  await expect(page.locator('#o-lon')).toHaveValue('15.842700');
  await page.locator('#o-people').fill('3200');
  await page.locator('label[for="s-acqua"]').click();
  await page.locator('#o-note').fill('Visita serale, unità di strada');
  await fullPageScreenshot(page, 'settlement-observation-form', 'settlements');
  await Promise.all([page.waitForURL(/\/insediamenti\/\d+/), page.getByRole('button', { name: "Salva l'osservazione" }).click()]);
  await expect(page.locator('#settlement-point')).toHaveText('41.4632, 15.8427');
  await expect(page.locator('#settlement-observations')).toContainText('Visita serale, unità di strada');
  await expect(page.locator('#settlement-observations')).toContainText('3.200');
  await expectNoA11yViolations(page);
  await fullPageScreenshot(page, 'settlement-after-visit', 'settlements');
  await ctx.close();

  // San Severo's referent: the Gran Ghetto di Rignano (its point was taken on a visit) is shown
  // with its Comune only.
  const rctx = await browser.newContext(PHONE);
  const ref = await rctx.newPage();
  await login(ref, 'referent');
  await ref.goto('/insediamenti?tipo=informal');
  await ref.getByRole('link', { name: /Rignano/ }).first().click();
  await expect(ref.locator('#settlement-position')).toContainText('visibile ai ruoli autorizzati');
  await expect(ref.locator('#settlement-point')).toHaveCount(0);
  await expect(ref.locator('#observation-form')).toHaveCount(0);
  const geo = await ref.request.get('/insediamenti/mappa.geojson?tipo=informal');
  const text = await geo.text();
  expect(text).not.toContain('41.5853');
  expect(text).toContain('"approx":true');
  await expectNoA11yViolations(ref);
  await rctx.close();
});

test('a settlement added by hand on a phone with the device position, then cleared', async ({ browser }) => {
  const ctx = await browser.newContext({
    ...PHONE,
    geolocation: { latitude: 41.2301, longitude: 15.9102, accuracy: 8 },
    permissions: ['geolocation'],
  });
  const page = await ctx.newPage();
  await login(page, 'secretariat');
  await page.goto('/insediamenti');
  await page.getByRole('link', { name: 'Aggiungi un insediamento' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nuovo insediamento');
  await expectNoA11yViolations(page);

  // A mistake first: the message in Italian, what was typed kept.
  await page.locator('#n-name').fill('Casolare sulla provinciale 141');
  await page.locator('#n-type').selectOption('casolari');
  await page.locator('#n-comune').fill('Atlantide');
  await page.getByRole('button', { name: 'Usa la mia posizione' }).click();
  await expect(page.locator('#n-lat')).toHaveValue('41.230100');
  await expect(page.locator('#n-lon')).toHaveValue('15.910200');
  await page.getByRole('button', { name: "Registra l'insediamento" }).click();
  await expect(page.getByRole('alert')).toContainText('«Atlantide» non è il nome o il codice ISTAT di un Comune');
  await expect(page.locator('#n-name')).toHaveValue('Casolare sulla provinciale 141');
  await expect(page.locator('#n-lat')).toHaveValue('41.230100');
  await expectNoA11yViolations(page);

  await page.locator('#n-comune').fill('Cerignola');
  await Promise.all([page.waitForURL(/\/insediamenti\/\d+$/), page.getByRole('button', { name: "Registra l'insediamento" }).click()]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Casolare sulla provinciale 141');
  await expect(page.locator('#settlement-point')).toHaveText('41.2301, 15.9102');
  await expect(page.locator('#settlement-position')).toContainText('rilevata sul posto');
  await fullPageScreenshot(page, 'settlement-added-by-hand', 'settlements');

  // Cleared, and the point moved by hand.
  await page.locator('#st-status').selectOption('cleared');
  await Promise.all([page.waitForURL(/#stato$/), page.getByRole('button', { name: 'Cambia lo stato' }).click()]);
  await expect(page.locator('#settlement-facts')).toContainText('sgomberato');
  await page.locator('#m-lat').fill('41.2400');
  await page.locator('#m-lon').fill('15.9000');
  await Promise.all([page.waitForURL(/#posizione$/), page.getByRole('button', { name: 'Salva la posizione' }).click()]);
  await expect(page.locator('#settlement-point')).toHaveText('41.24, 15.9');
  await expect(page.locator('#settlement-position')).toContainText('indicata sulla mappa');
  await expectNoA11yViolations(page);
  await ctx.close();
});
