import { expect, test } from '@playwright/test';
import { account, answerMfa, login, logout, logoutButton, pathname, submitPassword } from './helpers';

test.describe('authentication', () => {
  test('admin logs in with password and TOTP, sees their name, and logs out', async ({ page }) => {
    const admin = account('admin');
    expect(admin.totpSecret, 'the admin account must have admin.totp_secret in the credentials file').toBeTruthy();

    await submitPassword(page, 'admin');
    expect(pathname(page), 'after the password, the admin must face the second factor').toBe('/login/mfa');
    await expect(page.locator('#code')).toBeVisible();

    await answerMfa(page, admin.totpSecret!);
    expect(pathname(page)).toBe('/');
    await expect(logoutButton(page)).toBeVisible();
    const name = admin.name ?? process.env.ARGINE_ADMIN_NAME;
    if (name) {
      await expect(page.locator('body')).toContainText(name);
    } else {
      test.info().annotations.push({
        type: 'warning',
        description: 'no admin.name in the credentials file (nor ARGINE_ADMIN_NAME): the name shown was not checked',
      });
      // The header shows who is logged in next to the logout button: at least it is not empty.
      await expect(page.locator('header')).not.toHaveText('');
    }

    await logout(page);
    expect(pathname(page)).toBe('/login');
    await expect(page.locator('#email')).toBeVisible();
    // The session is gone: the home page sends back to the login form.
    await page.goto('/');
    expect(pathname(page)).toBe('/login');
  });

  test('a wrong password shows an error and keeps the e-mail', async ({ page }) => {
    const viewer = account('viewer');
    await submitPassword(page, 'viewer', `${viewer.password}-sbagliata`);
    expect(pathname(page)).toBe('/login');
    const alert = page.getByRole('alert');
    await expect(alert.first()).toBeVisible();
    await expect(alert.first()).not.toHaveText('');
    await expect(page.locator('#email')).toHaveValue(viewer.email);
    await expect(page.locator('#password')).toHaveValue('');

    // A correct login resets the account's failure counter, so repeated runs never lock it.
    await login(page, 'viewer');
    expect(pathname(page)).toBe('/');
  });

  test('a user without the needed role gets a 403 page', async ({ page }) => {
    await login(page, 'viewer');
    const response = await page.goto('/admin/audit');
    expect(response?.status()).toBe(403);
    expect(pathname(page)).toBe('/admin/audit');
    await expect(page.locator('h1')).toBeVisible();
    await expect(page.locator('h1')).not.toHaveText('');
  });

  test('an unknown address gets a 404 page', async ({ page }) => {
    const response = await page.goto('/non-esiste');
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1')).toBeVisible();
    await expect(page.locator('h1')).not.toHaveText('');
  });
});
