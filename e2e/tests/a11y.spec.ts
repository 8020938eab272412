import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { expectNoA11yViolations, fullPageScreenshot, login, pathname, submitPassword, type Who } from './helpers';

// Every page is checked with axe-core (WCAG 2.0/2.1 A + AA) and photographed, full page, into
// test-results/a11y/<name>.png. The screenshot is taken first, so it exists for failing pages too.

interface Target {
  name: string;
  path: string;
  status: number;
}

async function checkPage(page: Page, t: Target): Promise<void> {
  const response = await page.goto(t.path);
  expect(response?.status(), `HTTP status of ${t.path}`).toBe(t.status);
  expect(pathname(page), `${t.path} must not redirect`).toBe(t.path);
  await fullPageScreenshot(page, t.name, 'a11y');
  await expectNoA11yViolations(page);
}

test.describe('accessibility, anonymous', () => {
  const pages: Target[] = [
    { name: 'anon-login', path: '/login', status: 200 },
    { name: 'anon-password-dimenticata', path: '/password/dimenticata', status: 200 },
    { name: 'anon-dati', path: '/dati', status: 200 },
    // The open data of the demo's final report (build 1), published by the demo.
    { name: 'anon-dati-aperti', path: '/dati-aperti', status: 200 },
    { name: 'anon-dati-aperti-pacchetto', path: '/dati-aperti/1', status: 200 },
    { name: 'anon-404', path: '/non-esiste', status: 404 },
    // A query's link that matches no query: the page that says so.
    { name: 'anon-richiesta-sconosciuta', path: '/richiesta/link-sconosciuto', status: 404 },
  ];
  for (const t of pages) {
    test(`${t.path} (${t.status})`, async ({ page }) => {
      await checkPage(page, t);
    });
  }
});

test('accessibility, MFA challenge /login/mfa', async ({ page }) => {
  await submitPassword(page, 'admin');
  expect(pathname(page)).toBe('/login/mfa');
  await fullPageScreenshot(page, 'admin-login-mfa', 'a11y');
  await expectNoA11yViolations(page);
});

/**
 * One login per role for all its pages (a TOTP step can be spent only once, so every login of
 * the admin may cost a wait of up to 30 s). Not serial mode on purpose: after a failing page
 * Playwright starts a new worker, which logs in again and checks the remaining pages too.
 */
function loggedInSuite(who: Who, pages: Target[]): void {
  test.describe(`accessibility, logged in as ${who}`, () => {
    let context: BrowserContext;
    let page: Page;

    test.beforeAll(async ({ browser }) => {
      context = await browser.newContext();
      page = await context.newPage();
      await login(page, who);
    });

    test.afterAll(async () => {
      await context?.close();
    });

    for (const t of pages) {
      test(`${t.path} (${t.status})`, async () => {
        await checkPage(page, t);
      });
    }
  });
}

loggedInSuite('admin', [
  { name: 'admin-home', path: '/', status: 200 },
  { name: 'admin-account', path: '/account', status: 200 },
  { name: 'admin-account-mfa', path: '/account/mfa', status: 200 },
  { name: 'admin-utenti', path: '/admin/utenti', status: 200 },
  { name: 'rete-organizzazioni', path: '/rete/organizzazioni', status: 200 },
  { name: 'rete-organizzazione', path: '/rete/organizzazioni/3', status: 200 },
  { name: 'rete-importa', path: '/rete/organizzazioni/importa', status: 200 },
  { name: 'rete-protocolli', path: '/rete/protocolli', status: 200 },
  { name: 'rete-protocollo', path: '/rete/protocolli/1', status: 200 },
  { name: 'rete-gruppi', path: '/rete/gruppi', status: 200 },
  { name: 'rete-gruppo', path: '/rete/gruppi/1', status: 200 },
  { name: 'rete-riunione-approvata', path: '/rete/riunioni/1', status: 200 },
  { name: 'rete-riunione-bozza', path: '/rete/riunioni/2', status: 200 },
  { name: 'admin-audit', path: '/admin/audit', status: 200 },
  { name: 'admin-job', path: '/admin/job', status: 200 },
  { name: 'admin-campagna-2026', path: '/censimento/campagne/2', status: 200 },
  // The first invitation of the 2026 campaign (the 2021 campaign holds ids 1–7904).
  { name: 'admin-campagna-comune', path: '/censimento/campagne/2/comuni/7905', status: 200 },
]);

loggedInSuite('secretariat', [
  { name: 'segreteria-campagna-nuova', path: '/censimento/campagne/nuova', status: 200 },
  { name: 'segreteria-campagna-importa', path: '/censimento/campagne/2/importa', status: 200 },
  { name: 'segreteria-campagna-comune', path: '/censimento/campagne/2/comuni/7906', status: 200 },
  // Data control of the synthetic 2021 campaign: the issue list (every rule over 3,851
  // responses), the accepted issues, and a Comune's raw and clean values with the correction form.
  { name: 'segreteria-controllo', path: '/censimento/campagne/1/controllo', status: 200 },
  { name: 'segreteria-dati-comune', path: '/censimento/campagne/1/comuni/1/dati', status: 200 },
  // Reports: the campaign's builds with the form, the demo's final report (build 1) with its
  // files, the report read as a web page, the templates and the editor with its reference.
  // The settlement registry: the list, the map, a settlement's record with the visit, status
  // and position forms, the form of a settlement added by hand.
  { name: 'segreteria-insediamenti', path: '/insediamenti', status: 200 },
  { name: 'segreteria-insediamenti-mappa', path: '/insediamenti/mappa', status: 200 },
  { name: 'segreteria-insediamento', path: '/insediamenti/1', status: 200 },
  { name: 'segreteria-insediamento-nuovo', path: '/insediamenti/nuovo', status: 200 },
  { name: 'segreteria-rapporti', path: '/rapporti', status: 200 },
  { name: 'segreteria-rapporti-campagna', path: '/censimento/campagne/1/rapporti', status: 200 },
  { name: 'segreteria-rapporto', path: '/rapporti/1', status: 200 },
  { name: 'segreteria-rapporto-pagina', path: '/rapporti/1/pagina', status: 200 },
  { name: 'segreteria-modelli', path: '/rapporti/modelli', status: 200 },
  { name: 'segreteria-modello', path: '/rapporti/modelli/finale', status: 200 },
  // Priority territories and the fund allocation, on the most recent closed campaign.
  { name: 'segreteria-priorita', path: '/territori/priorita', status: 200 },
  { name: 'segreteria-ripartizione', path: '/territori/ripartizione', status: 200 },
  // Coding of open answers: the free-text questions, and one question's codebook and answers.
  { name: 'segreteria-codifica', path: '/censimento/campagne/1/codifica', status: 200 },
  { name: 'segreteria-codifica-domanda', path: '/censimento/campagne/1/codifica/A3_altro', status: 200 },
  // Querying a Comune: the form (a free query from the Comune's data page) and the list.
  { name: 'segreteria-richiesta-nuova', path: '/censimento/campagne/1/comuni/1/richiesta', status: 200 },
  { name: 'segreteria-richieste', path: '/censimento/campagne/1/richieste', status: 200 },
]);

// Services and outreach (the demo's directory: services 1–6, team 1, sessions 1–16 of Lule).
loggedInSuite('operator', [
  { name: 'operatore-servizi', path: '/servizi', status: 200 },
  { name: 'operatore-servizio', path: '/servizi/1', status: 200 },
  { name: 'operatore-servizio-nuovo', path: '/servizi/nuovo', status: 200 },
  { name: 'operatore-servizio-modifica', path: '/servizi/1/modifica', status: 200 },
  { name: 'operatore-sportelli', path: '/servizi/sportelli', status: 200 },
  { name: 'operatore-unita-mobili', path: '/servizi/unita-mobili', status: 200 },
  { name: 'operatore-unita-mobile', path: '/servizi/unita-mobili/1', status: 200 },
  { name: 'operatore-uscite', path: '/uscite', status: 200 },
  { name: 'operatore-uscita', path: '/uscite/1', status: 200 },
  { name: 'operatore-uscita-nuova', path: '/uscite/nuova', status: 200 },
  { name: 'operatore-uscita-offline', path: '/uscite/offline', status: 200 },
]);

loggedInSuite('viewer', [
  { name: 'viewer-home', path: '/', status: 200 },
  { name: 'viewer-casi-indicatori', path: '/casi/indicatori', status: 200 },
  { name: 'viewer-audit-403', path: '/admin/audit', status: 403 },
  { name: 'viewer-organizzazione', path: '/rete/organizzazioni/3', status: 200 },
  { name: 'viewer-protocollo', path: '/rete/protocolli/1', status: 200 },
  { name: 'viewer-gruppo', path: '/rete/gruppi/1', status: 200 },
  { name: 'viewer-questionari', path: '/censimento/questionari', status: 200 },
  { name: 'viewer-questionario', path: '/censimento/versioni/1', status: 200 },
  { name: 'viewer-campagne', path: '/censimento/campagne', status: 200 },
  { name: 'viewer-campagna-2021', path: '/censimento/campagne/1', status: 200 },
  { name: 'viewer-campagna-2026', path: '/censimento/campagne/2', status: 200 },
  { name: 'viewer-campagna-comuni', path: '/censimento/campagne/2/comuni', status: 200 },
  { name: 'viewer-da-compilare', path: '/censimento/da-compilare', status: 200 },
]);

// Case work: the NGO's operator (the demo's cases 1–3 are the NGO's), and the anti-trafficking
// body, to which case 1 was referred with consent (it sees the shared fields only).
loggedInSuite('operator', [
  { name: 'operatore-casi', path: '/casi', status: 200 },
  { name: 'operatore-caso-nuovo', path: '/casi/nuovo', status: 200 },
  { name: 'operatore-caso', path: '/casi/1', status: 200 },
  { name: 'operatore-caso-chiuso', path: '/casi/3', status: 200 },
  // The duplicates page (signals about the NGO's own people).
  { name: 'operatrice-duplicati', path: '/casi/duplicati', status: 200 },
]);

loggedInSuite('antitratta', [
  { name: 'antitratta-casi', path: '/casi', status: 200 },
  { name: 'antitratta-caso-condiviso', path: '/casi/1', status: 200 },
  { name: 'antitratta-caso-altrui-403', path: '/casi/2', status: 403 },
]);

// Break the glass: the form (the coordinator has no access to the NGO's case 2 otherwise) and
// the review list of the NGO's supervisor.
loggedInSuite('coordinator', [
  { name: 'coordinatore-caso-403', path: '/casi/2', status: 403 },
  { name: 'coordinatore-accesso-straordinario', path: '/casi/2/accesso-straordinario', status: 200 },
]);

loggedInSuite('supervisor', [
  { name: 'supervisione-accessi', path: '/casi/accessi', status: 200 },
  { name: 'supervisione-caso', path: '/casi/1', status: 200 },
]);
