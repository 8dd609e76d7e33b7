/**
 * Signing in to the admin panel in a test, and calling the API directly with the
 * session the panel holds (to prove the server refuses what the panel hides).
 */
import type { Page } from '@playwright/test';
import { expect } from './fixtures.ts';

export const adminUrl = process.env.ADMIN_URL ?? '';
const password = process.env.DEMO_PASSWORD ?? '';
const supabaseUrl = process.env.SUPABASE_URL ?? '';
const anonKey = process.env.SUPABASE_ANON_KEY ?? '';

export const ADMIN_LOGINS = {
  super_admin: 'admin@easymo.test',
  support: 'support@easymo.test',
  data_ops: 'dataops@easymo.test',
  readonly: 'readonly@easymo.test',
} as const;

/** Signs in through the form and waits for the dashboard. */
export async function signInAdmin(page: Page, email: string, path = '/'): Promise<void> {
  await page.goto(adminUrl + path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(email);
}

/** The access token the signed-in panel holds (supabase-js keeps it in localStorage). */
export async function accessToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('easymo-admin-auth'));
  if (!stored) throw new Error('the panel holds no session');
  return (JSON.parse(stored) as { access_token: string }).access_token;
}

/** Calls `/functions/v1/admin/<path>` with the panel's session, bypassing its UI. */
export async function callAdminApi(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const token = await accessToken(page);
  const response = await page.request.fetch(`${supabaseUrl}/functions/v1/admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, apikey: anonKey, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { data: JSON.stringify(body) }),
  });
  return { status: response.status(), body: (await response.json().catch(() => ({}))) as never };
}
