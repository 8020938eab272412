import { expect, test, type Page } from '@playwright/test';
import { submitAndWait } from './helpers';

/** Presses the header's language switch (`<form action="/lingua" method="post">`). */
async function switchLanguage(page: Page, lang: 'it' | 'en'): Promise<void> {
  const button = page.locator(`form[action="/lingua"] button[name="lang"][value="${lang}"]`);
  await expect(button).toHaveCount(1);
  await submitAndWait(page, button);
}

async function expectItalianLogin(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page.getByRole('heading', { level: 1, name: 'Accedi' })).toBeVisible();
}

async function expectEnglishLogin(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

test.describe('language', () => {
  // The browser asks for a language the app does not have: Italian is the default.
  test.use({ locale: 'de-DE' });

  test('the login page is in Italian by default and switches to English and back', async ({ page }) => {
    await page.goto('/login');
    await expectItalianLogin(page);

    await switchLanguage(page, 'en');
    await expectEnglishLogin(page);
    // The choice is remembered (cookie) on the next visit.
    await page.goto('/login');
    await expectEnglishLogin(page);

    await switchLanguage(page, 'it');
    await expectItalianLogin(page);
    await page.goto('/login');
    await expectItalianLogin(page);
  });
});

test.describe('language negotiation', () => {
  test.use({ locale: 'en-GB' });

  test('a browser that prefers English gets English until Italian is chosen', async ({ page }) => {
    await page.goto('/login');
    await expectEnglishLogin(page);
    await switchLanguage(page, 'it');
    await expectItalianLogin(page);
  });
});
