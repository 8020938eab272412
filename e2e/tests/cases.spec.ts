import { expect, test, type Browser } from '@playwright/test';
import { account, expectNoA11yViolations, fullPageScreenshot, login } from './helpers';

// Case work across three organisations (issue 7, "Must show"): the NGO's outreach worker
// records a contact, opens a case, marks indicators, records consent and refers the person to
// the anti-trafficking body; the body accepts and sees only the shared fields; a union desk
// gets 403 on the page and the API, and the attempt is in the audit log.

async function as(browser: Browser, who: Parameters<typeof login>[1]) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, who);
  return { ctx, page };
}

test('a referral with consent across three organisations', async ({ browser }) => {
  const suffix = Date.now().toString(36).toUpperCase();
  const family = `Prova-${suffix}`;

  // 1. The NGO records the person met at the listening point.
  const ngo = await as(browser, 'operator');
  const page = ngo.page;
  await page.goto('/casi');
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Nuova scheda' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nuova scheda');
  await expectNoA11yViolations(page);
  await page.getByLabel('Nome', { exact: true }).fill('Precious');
  await page.getByLabel('Cognome').fill(family);
  await page.getByLabel('Data di nascita').fill('2000-04-30');
  await page.getByLabel('Sesso').selectOption('f');
  await page.getByLabel('Cittadinanza').fill('NGA');
  await page.getByLabel('Lingue').fill('en');
  await page.getByLabel('Telefono').fill('+39 351 000 7788');
  await page.getByLabel('Condizione di soggiorno').selectOption('none');
  await page.getByLabel('Settore di lavoro').selectOption('agriculture');
  // A Comune that does not exist: the error names it and keeps what was typed.
  await page.getByLabel('Comune', { exact: true }).fill('Nonesiste');
  await page.getByRole('button', { name: 'Crea la scheda' }).click();
  await expect(page.locator('#case-errors')).toContainText('Comune non trovato');
  await expect(page.getByLabel('Cognome')).toHaveValue(family);
  await page.getByLabel('Comune', { exact: true }).fill('Castiglione delle Stiviere');
  await Promise.all([page.waitForURL(/\/casi\/\d+$/), page.getByRole('button', { name: 'Crea la scheda' }).click()]);
  const caseUrl = new URL(page.url()).pathname;
  const caseId = caseUrl.split('/').pop();
  await expect(page.locator('#case-person')).toContainText(family);
  await expect(page.locator('#case-person')).toContainText('+39 351 000 7788');
  await expectNoA11yViolations(page);

  // 2. Indicators: two ILO indicators present, with their evidence.
  await page.locator('#valutazione ~ details summary').first().click();
  await page.locator('label[for="a-retention_of_documents-yes"]').click();
  await page.locator('#e-retention_of_documents').fill('Il datore trattiene il passaporto');
  await page.locator('label[for="a-withholding_of_wages-yes"]').click();
  await page.locator('#e-withholding_of_wages').fill('Paga promessa e mai data per due mesi');
  await page.locator('#a-outcome').selectOption('presumed_victim');
  await page.locator('#a-reasoning').fill('Indicatori forti e coerenti');
  await Promise.all([page.waitForURL(/\/casi\/\d+/), page.getByRole('button', { name: 'Registra la valutazione' }).click()]);
  await expect(page.locator('#case-stage')).toHaveText('Identificazione preliminare');

  // 3. Consent, explained in English by a mediator: names and residence to the body.
  await page.locator('label[for="cp-case_work"]').click();
  await page.locator('label[for="cp-referral"]').click();
  await page.locator('label[for="cf-names"]').click();
  await page.locator('label[for="cf-residence"]').click();
  await page.locator('#c-recipients').selectOption({ label: 'Ente anti-tratta Lombardia' });
  await page.locator('#c-language').fill('en');
  await page.locator('#c-mediator').fill('Mediatrice di prova');
  await Promise.all([page.waitForURL(/\/casi\/\d+/), page.getByRole('button', { name: 'Registra il consenso' }).click()]);
  await expect(page.locator('#consent-list')).toContainText('Ente anti-tratta Lombardia');

  // 4. The referral: asking for the phone too is blocked; names and residence go.
  await page.getByText("Invia a un'altra organizzazione").click();
  await page.locator('#r-to').selectOption({ label: 'Ente anti-tratta Lombardia' });
  await page.locator('label[for="rf-names"]').click();
  await page.locator('label[for="rf-residence"]').click();
  await page.locator('label[for="rf-phone"]').click();
  await page.locator('#r-reason').fill('Presunta vittima, chiede protezione');
  await page.getByRole('button', { name: 'Invia', exact: true }).click();
  await expect(page.locator('#case-errors')).toContainText('il consenso non comprende questi dati: Telefono');
  await expectNoA11yViolations(page);
  // The refused form comes back open, as typed: only the phone is unticked, and a service chosen.
  await expect(page.locator('#r-reason')).toHaveValue('Presunta vittima, chiede protezione');
  await expect(page.locator('#rf-names')).toBeChecked();
  await expect(page.locator('#rf-phone')).toBeChecked();
  await page.locator('label[for="rf-phone"]').click();
  await page.locator('#r-service').selectOption({ label: 'Emersione e presa in carico vittime di tratta e sfruttamento' });
  await Promise.all([page.waitForURL(/\/casi\/\d+/), page.getByRole('button', { name: 'Invia', exact: true }).click()]);
  await expect(page.locator('#referral-list .referral-service')).toHaveText('Emersione e presa in carico vittime di tratta e sfruttamento');
  await expect(page.locator('#referral-list')).toContainText('In attesa di risposta');
  await fullPageScreenshot(page, 'case-owner', 'cases');
  await ngo.ctx.close();

  // 5. The anti-trafficking body: the case is in its list; it sees the names, not the phone.
  const body = await as(browser, 'antitratta');
  await body.page.goto('/casi');
  await expect(body.page.locator('#case-list')).toContainText('invio da valutare');
  await body.page.goto(caseUrl);
  await expect(body.page.locator('#case-person')).toContainText(family);
  await expect(body.page.locator('#case-person')).not.toContainText('351 000 7788');
  await expect(body.page.locator('#case-person')).toContainText('non condiviso');
  await expect(body.page.locator('body')).not.toContainText('Il datore trattiene il passaporto');
  await expectNoA11yViolations(body.page);
  await body.page.locator('.referral-response input[name="note"]').fill('Presa in carico, colloquio fissato');
  await Promise.all([
    body.page.waitForURL(/\/casi\/\d+/),
    body.page.getByRole('button', { name: 'Accetta' }).click(),
  ]);
  await expect(body.page.locator('#referral-list')).toContainText('Accettato');
  await expect(body.page.locator('#case-timeline')).toContainText('Invio accettato');
  await fullPageScreenshot(body.page, 'case-receiver', 'cases');
  await body.ctx.close();

  // 6. A union desk outside the case: 403 on the page and on the API, and it is logged.
  const union = await as(browser, 'union');
  const r = await union.page.goto(caseUrl);
  expect(r?.status()).toBe(403);
  await expectNoA11yViolations(union.page);
  // Through the API, with a token of the union's operator: 403 as well.
  await union.page.goto('/account');
  await union.page.locator('#token-name').fill('prova casi');
  await Promise.all([union.page.waitForLoadState(), union.page.getByRole('button', { name: 'Crea il token' }).click()]);
  const token = (await union.page.locator('#new-token').textContent())?.trim() ?? '';
  expect(token).toMatch(/^argn_/);
  const api = await union.page.request.get(`/api/v1/cases/${caseId}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(api.status()).toBe(403);
  await union.ctx.close();

  const admin = await as(browser, 'admin');
  const email = account('union').email;
  await admin.page.goto(
    `/admin/audit?action=access.denied&record_type=case&record_id=${caseId}&actor=${encodeURIComponent(email)}`,
  );
  await expect(admin.page.locator('main table tbody')).toContainText(email);
  await expect(admin.page.locator('main table tbody')).toContainText('access.denied');
  await admin.ctx.close();
});
