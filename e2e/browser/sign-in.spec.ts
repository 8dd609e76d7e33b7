/**
 * The apps against the real stack in Chromium: sign in with supabase-js, the server's
 * view of the account through the admin function, sign out.
 */
import { expect, test } from './fixtures.ts';

const adminUrl = process.env.ADMIN_URL ?? '';
const stationUrl = process.env.STATION_URL ?? '';
const password = process.env.DEMO_PASSWORD ?? '';

test.describe('admin panel', () => {
  test('a super admin signs in, sees their roles from the server, stays signed in across a reload, signs out', async ({
    page,
  }) => {
    await page.goto(adminUrl);
    await page.getByLabel('Email').fill('admin@easymo.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('signed-in-as')).toHaveText('admin@easymo.test · Super admin');

    await page.getByTestId('signed-in-as').click();
    await expect(page.getByTestId('me-email')).toHaveText('admin@easymo.test');
    await expect(page.getByTestId('me-roles')).toHaveText('Super admin');

    await page.reload();
    await expect(page.getByTestId('me-roles')).toHaveText('Super admin');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('a wrong password is refused with a readable message and no session', async ({ page }) => {
    await page.goto(adminUrl);
    await page.getByLabel('Email').fill('admin@easymo.test');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
    await expect(page.getByRole('heading', { name: 'Your account' })).toHaveCount(0);
  });

  test('an account without an admin role is told so', async ({ page }) => {
    await page.goto(adminUrl);
    await page.getByLabel('Email').fill('operator@easymo.test');
    await page.getByLabel('Password').fill(password);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('me-roles')).toHaveText('None');
    await expect(page.getByRole('status').filter({ hasText: 'no admin role' })).toBeVisible();
  });
});

test.describe('station app', () => {
  test('an operator signs in on a phone-sized screen, sees their station, and the tablet remembers it', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(stationUrl);
    await page.getByLabel('Email').fill('operator@easymo.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Engen Kacyiru' })).toBeVisible();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByTestId('station-name')).toHaveText('Engen Kacyiru');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByTestId('remembered-station')).toContainText('Engen Kacyiru');
    await expect(page.getByLabel('Email')).toHaveValue('operator@easymo.test');
  });
});
