import { expect, test, type Page } from '@playwright/test';
import { credentials, expectNoA11yViolations, fullPageScreenshot, login, pathname } from './helpers';

// A Comune fills the default questionnaire through its secret link, on a phone: a validation
// error, a question that appears live (htmx round-trip to the one form engine), a repeat, a
// draft resumed in another browser, the submission, and the campaign count that goes up.

function link(): string {
  const l = credentials().censusLink;
  if (!l) throw new Error('demo-credentials.txt has no census_link= line');
  return new URL(l).pathname;
}

async function saveAndContinue(page: Page): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /Salva e (continua|vai al riepilogo)/ }).click()]);
}

/** Picks a radio or checkbox the way a person does: by its label (Bootstrap Italia draws the
 * control over the native input). */
async function choose(page: Page, name: string, value: string): Promise<void> {
  const input = page.locator(`input[name="${name}"][value="${value}"]`);
  const id = await input.getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  await expect(input).toBeChecked();
}

async function submittedCount(page: Page): Promise<number> {
  await page.goto('/censimento/campagne');
  await page.getByRole('link', { name: /Rilevazione 2026/ }).click();
  const text = await page.locator('#campaign-totals .card').nth(2).locator('.h3').innerText();
  return Number(text.trim());
}

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test('a Comune answers on a phone, resumes elsewhere and submits; the campaign counts it', async ({ browser }) => {
  const viewerCtx = await browser.newContext();
  const viewer = await viewerCtx.newPage();
  await login(viewer, 'viewer');
  const before = await submittedCount(viewer);

  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const base = link();
  await page.goto(base);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('San Severo');
  await expectNoA11yViolations(page);
  await fullPageScreenshot(page, 'census-page-a', 'census');

  // Live relevance: choosing "Assessore" shows the delegated-matters question without a submit.
  await expect(page.locator('[name="A3a"]')).toHaveCount(0);
  await choose(page, 'A3', '2');
  await expect(page.locator('[name="A3a"]')).toBeVisible();

  // A wrong cadastral code: the form's own message, and nothing typed is lost.
  await page.locator('[name="A1"]').fill('San Severo');
  await page.locator('[name="A1a"]').fill('h501');
  await page.locator('[name="A2"]').fill('Rita Esposito');
  await page.locator('[name="A3a"]').fill('Politiche sociali');
  await saveAndContinue(page);
  await expect(page.locator('#form-errors')).toBeVisible();
  await expect(page.locator('#q-A1a-error')).toContainText('H501');
  await expect(page.locator('[name="A2"]')).toHaveValue('Rita Esposito');
  await expectNoA11yViolations(page);
  await fullPageScreenshot(page, 'census-page-a-error', 'census');

  // Fixed, by keyboard: on to section B.
  await page.locator('[name="A1a"]').fill('I158');
  await page.locator('[name="A1a"]').press('Enter');
  await page.waitForLoadState('load');
  await expect(page.locator('h2.h3')).toContainText('Sezione B');
  await choose(page, 'B1', '1');
  await expect(page.locator('input[name="B2"][value="stab"]')).toBeVisible();
  await choose(page, 'B2', 'stab');
  await expect(page.locator('[name="B3a"]')).toBeVisible();
  await page.locator('[name="B3a"]').fill('250');
  await saveAndContinue(page);
  await choose(page, 'C1', 'informali');
  await saveAndContinue(page);

  // The settlements repeat: add one and fill it.
  await page.getByRole('button', { name: /Aggiungi/ }).click();
  await page.waitForLoadState('load');
  await page.locator('[name="insediamenti[0]/E1"]').fill('Gran Ghetto di Rignano');
  await choose(page, 'insediamenti[0]/E2', 'baracche');
  await page.locator('[name="insediamenti[0]/E3"]').fill('2100');
  await expectNoA11yViolations(page);
  await fullPageScreenshot(page, 'census-page-settlement', 'census');
  await saveAndContinue(page);
  await saveAndContinue(page);
  expect(pathname(page)).toBe(`${base}/riepilogo`);

  // Another browser (the same link on another device): the draft is there.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(`${base}/pagina/0`);
  await expect(page2.locator('[name="A1a"]')).toHaveValue('I158');
  await page2.goto(`${base}/riepilogo`);
  await expect(page2.locator('#form-errors')).toHaveCount(0);
  await expectNoA11yViolations(page2);
  await Promise.all([page2.waitForLoadState('load'), page2.getByRole('button', { name: 'Invia il questionario' }).click()]);
  await expect(page2.locator('#census-submitted')).toBeVisible();
  await fullPageScreenshot(page2, 'census-submitted', 'census');

  expect(await submittedCount(viewer)).toBe(before + 1);
  await expectNoA11yViolations(viewer);
  await Promise.all([ctx.close(), other.close(), viewerCtx.close()]);
});
