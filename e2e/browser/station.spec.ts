/**
 * The station PWA in Chromium against the real stack: installable, scanning a real
 * voucher's QR through a fake camera, and the offline outbox (queue, reload, reopen,
 * reconnect, conflicts, forged codes, an access token that expired while offline).
 */
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type postgres from 'postgres';
import { parseVoucherToken, signVoucherToken } from '../../packages/domain/src/voucher-token.ts';
import { showNothing, showQr } from '../support/camera.ts';
import { db, DEMO, signIn, signJwt, stack } from '../support/stack.ts';
import {
  allowSending,
  call,
  DRIVER,
  forgetAttempts,
  makeVoucher,
  qrTokenOf,
  STATION_1,
  type VoucherFixture,
} from '../support/vouchers.ts';
import { expect, test } from './fixtures.ts';

const stationUrl = process.env.STATION_URL ?? '';
let sql: postgres.Sql;

test.beforeAll(() => {
  sql = db();
});
test.afterAll(async () => {
  await sql.end({ timeout: 2 });
});
test.beforeEach(async () => {
  await forgetAttempts(sql);
  showNothing();
});

/** Signs the operator in on a phone-sized screen and waits for the station to load. */
async function signInStation(page: Page, email: string = DEMO.operator): Promise<void> {
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto(stationUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(stack.demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Engen Kacyiru' })).toBeVisible();
  await serviceWorkerInControl(page);
}

/** The service worker has cached the shell and controls the page: offline work is possible. */
async function serviceWorkerInControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
  });
}

/** The voucher screen's Redeem button (the tab bar has a "Redeem" tab too). */
const redeemButton = (page: Page, name: string | RegExp = /^Redeem/) =>
  page.getByRole('region', { name: /^Voucher/ }).getByRole('button', { name });

const badge = (page: Page) => page.getByTestId('sync-badge');

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Character 1 of 5').fill(code);
  await page.getByRole('button', { name: 'Check code' }).click();
}

async function scan(page: Page, token: string): Promise<void> {
  await showQr(token);
  await page.getByRole('button', { name: 'Scan QR code' }).click();
}

async function voucherState(id: string) {
  const [row] = await sql<{ status: string; redeemed_station_id: string | null }[]>`
    select status, redeemed_station_id from public.vouchers where id = ${id}`;
  return row;
}

async function successfulRedemptions(id: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.voucher_redemptions where voucher_id = ${id} and result_code = 'redeemed'`;
  return row?.n ?? 0;
}

async function outboxCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('easymo-station');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('outbox').objectStore('outbox').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

test.describe('station app: install', () => {
  test('has a valid manifest with maskable icons, a controlling service worker, and starts offline', async ({
    page,
    context,
  }) => {
    await page.goto(stationUrl);
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(manifestHref).toBeTruthy();
    const manifest = await (await page.request.get(new URL(manifestHref ?? '', stationUrl).href)).json();
    expect(manifest).toMatchObject({ name: 'easyMO Station', display: 'standalone', start_url: '/' });
    const icons = manifest.icons as { src: string; sizes: string; purpose?: string }[];
    expect(icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of icons) {
      const response = await page.request.get(new URL(icon.src, stationUrl).href);
      expect(response.headers()['content-type']).toBe('image/png');
      const size = (await response.body()).readUInt32BE(16); // PNG IHDR width
      expect(`${size}x${size}`).toBe(icon.sizes);
    }

    // Installed on the first visit, it controls that very page (clientsClaim) and the next.
    await serviceWorkerInControl(page);
    await page.reload();
    expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await context.setOffline(false);
  });
});

test.describe('station app: redeeming', () => {
  test('a voucher issued through the admin API is scanned with the camera and redeemed here', async ({ page }) => {
    await allowSending(sql);
    const admin = (await signIn(DEMO.admin)).client;
    const issued = await call(admin, 'POST', 'admin/vouchers', { user_id: DRIVER, amount: 7500, send: true });
    expect(issued.status).toBe(201);
    expect(issued.body.voucher.status).toBe('sent');
    const token = await qrTokenOf(admin, issued.body.voucher.id);

    await signInStation(page);
    await scan(page, token);
    await expect(page.getByTestId('amount')).toHaveText('7,500 RWF');
    await expect(page.getByTestId('status')).toHaveText('Valid');
    await redeemButton(page, 'Redeem 7,500 RWF').click();
    await expect(page.getByTestId('outcome-success')).toContainText('Redeemed');

    expect(await voucherState(issued.body.voucher.id)).toEqual({
      status: 'redeemed',
      redeemed_station_id: STATION_1,
    });
    await expect(badge(page)).toContainText('All synced');
  });

  test('a typed code is normalised as typed; a refusal says why', async ({ page }) => {
    const voucher = await makeVoucher(sql, { status: 'void' });
    await signInStation(page);
    await typeCode(page, voucher.code5.toLowerCase());
    await expect(page.getByTestId('refusal-reason')).toHaveText('This voucher was cancelled.');
    await page.getByRole('button', { name: 'Next voucher' }).click();

    await page.getByLabel('Character 1 of 5').pressSequentially('u');
    await expect(page.getByRole('status').filter({ hasText: 'not used' })).toHaveText(
      '“u” is not used in voucher codes',
    );
    await expect(page.getByLabel('Character 1 of 5')).toHaveValue('');
  });
});

test.describe('station app: keyboard', () => {
  test('a typed code is checked with Enter and redeemed with Enter, no pointer needed', async ({ page }) => {
    const voucher = await makeVoucher(sql, { amount: 4200 });
    await signInStation(page);
    await page.getByLabel('Character 1 of 5').focus();
    await page.keyboard.type(voucher.code5.toLowerCase());
    await expect(page.getByLabel('Character 5 of 5')).toHaveValue(voucher.code5.slice(4));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('amount')).toHaveText('4,200 RWF');
    await page.keyboard.press('Enter'); // the Redeem button has the focus
    await expect(page.getByTestId('outcome-success')).toBeVisible();
    expect((await voucherState(voucher.id))?.status).toBe('redeemed');
  });
});

test.describe('station app: offline', () => {
  test('offline limits from the station config refuse one more with a clear message and queue nothing', async ({
    page,
    context,
  }) => {
    const [first, second] = [await makeVoucher(sql), await makeVoucher(sql)];
    const [before] = await sql<
      { value: Record<string, number> }[]
    >`select value from public.settings where key = 'redemption'`;
    await sql`update public.settings set value = value || '{"offline_max_count": 1}' where key = 'redemption'`;
    try {
      await signInStation(page);
      await context.setOffline(true);
      await typeCode(page, first.code5);
      await redeemButton(page, 'Redeem').click();
      await expect(page.getByTestId('outcome-queued')).toBeVisible();
      await page.getByRole('button', { name: 'Next voucher' }).click();

      await typeCode(page, second.code5);
      await redeemButton(page, 'Redeem').click();
      await expect(page.getByTestId('refusal-reason')).toHaveText(
        'Offline limit reached: the queue holds its maximum of 1. Go online to sync first.',
      );
      expect(await outboxCount(page)).toBe(1);

      // Signing out would strand the waiting row: blocked, with the queue as a file instead.
      await page.getByRole('button', { name: 'Next voucher' }).click();
      await page.getByRole('button', { name: 'Settings' }).click();
      await expect(page.getByRole('alert')).toContainText('Not synced yet: 1.');
      await expect(page.getByRole('button', { name: 'Sign out' })).toBeDisabled();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export the queue (file)' }).click();
      const file = await (await download).path();
      const exported = JSON.parse(readFileSync(file, 'utf8')) as { rows: { code5: string; state: string }[] };
      expect(exported.rows.map((r) => [r.code5, r.state])).toEqual([[first.code5, 'pending']]);

      await context.setOffline(false);
      await expect(badge(page)).toHaveAttribute('data-pending', '0', { timeout: 20_000 });
      await expect(page.getByRole('button', { name: 'Sign out' })).toBeEnabled();
    } finally {
      await sql`update public.settings set value = ${sql.json(before?.value ?? {})} where key = 'redemption'`;
    }
  });

  test('three redemptions offline (two scanned, one typed) survive a reload and a reopen, then sync exactly once', async ({
    page,
    context,
  }) => {
    const admin = (await signIn(DEMO.admin)).client;
    const vouchers: VoucherFixture[] = [];
    for (let i = 0; i < 3; i++) vouchers.push(await makeVoucher(sql, { amount: 1000 * (i + 1) }));
    const [a, b, c] = vouchers as [VoucherFixture, VoucherFixture, VoucherFixture];
    const tokens = [await qrTokenOf(admin, a.id), await qrTokenOf(admin, b.id)] as const;

    await signInStation(page);
    await context.setOffline(true);
    await expect(badge(page)).toContainText('Offline');

    await scan(page, tokens[0]);
    await expect(page.getByRole('note')).toContainText('checked on this device');
    await redeemButton(page, 'Redeem 1,000 RWF').click();
    await expect(page.getByTestId('outcome-queued')).toBeVisible();
    await page.getByRole('button', { name: 'Next voucher' }).click();

    await scan(page, tokens[1]);
    await redeemButton(page, 'Redeem 2,000 RWF').click();
    await expect(page.getByTestId('outcome-queued')).toBeVisible();
    await page.getByRole('button', { name: 'Next voucher' }).click();

    await typeCode(page, c.code5);
    await expect(page.getByRole('note')).toContainText('cannot be checked now');
    await redeemButton(page, 'Redeem').click();
    await expect(page.getByTestId('outcome-queued')).toBeVisible();
    await expect(badge(page)).toHaveAttribute('data-pending', '3');

    await page.reload();
    await expect(badge(page)).toHaveAttribute('data-pending', '3');
    await page.close();
    const reopened = await context.newPage();
    await reopened.setViewportSize({ width: 360, height: 640 });
    await reopened.goto(stationUrl);
    await expect(badge(reopened)).toHaveAttribute('data-pending', '3');
    for (const v of vouchers) expect((await voucherState(v.id))?.status).toBe('sent');

    await context.setOffline(false);
    await expect(badge(reopened)).toHaveAttribute('data-pending', '0', { timeout: 20_000 });
    for (const v of vouchers) {
      expect(await voucherState(v.id)).toEqual({ status: 'redeemed', redeemed_station_id: STATION_1 });
      expect(await successfulRedemptions(v.id)).toBe(1);
    }
    const offline = await sql<{ offline: boolean }[]>`
      select offline from public.voucher_redemptions where voucher_id in ${sql(vouchers.map((v) => v.id))}`;
    expect(offline.map((r) => r.offline)).toEqual([true, true, true]);
  });

  test('a voucher another station redeems while this one is offline lands under "needs attention" with the reason', async ({
    page,
    context,
  }) => {
    const voucher = await makeVoucher(sql);
    await signInStation(page);
    await context.setOffline(true);
    await typeCode(page, voucher.code5);
    await redeemButton(page, 'Redeem').click();
    await expect(page.getByTestId('outcome-queued')).toBeVisible();

    const other = (await signIn('operator2@easymo.test')).client;
    const won = await call(other, 'POST', 'station/redeem', {
      code: voucher.code5,
      idempotency_key: crypto.randomUUID(),
      captured_at: new Date().toISOString(),
    });
    expect(won.status).toBe(200);

    await context.setOffline(false);
    await page.getByRole('button', { name: 'Queue' }).click();
    const row = page.getByTestId('attention-list').locator(`li[data-code="${voucher.code5}"]`);
    await expect(row).toContainText('This voucher was already redeemed.', { timeout: 20_000 });
    await expect(badge(page)).toHaveAttribute('data-pending', '0');
    expect((await voucherState(voucher.id))?.redeemed_station_id).not.toBe(STATION_1);
  });

  test('a forged QR is refused on the spot offline and leaves nothing in the outbox', async ({ page, context }) => {
    const admin = (await signIn(DEMO.admin)).client;
    const voucher = await makeVoucher(sql, { amount: 90_000 });
    const genuine = parseVoucherToken(await qrTokenOf(admin, voucher.id));
    if (!genuine) throw new Error('the genuine token did not parse');
    const forger = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const forged = await signVoucherToken({ ...genuine.claims, amount: 900_000 }, forger.privateKey);

    await signInStation(page);
    await context.setOffline(true);
    await scan(page, forged);
    await expect(page.getByTestId('refusal-reason')).toHaveText('This QR code is not a genuine easyMO voucher.');
    expect(await outboxCount(page)).toBe(0);
    await context.setOffline(false);
  });

  test('an access token that expired while offline is refreshed on reconnect and the queue syncs', async ({
    page,
    context,
  }) => {
    const voucher = await makeVoucher(sql);
    await signInStation(page);
    await context.setOffline(true);
    await typeCode(page, voucher.code5);
    await redeemButton(page, 'Redeem').click();
    await expect(page.getByTestId('outcome-queued')).toBeVisible();

    // The stored access token is now one that expired an hour ago (the gateway refuses it).
    const past = Math.floor(Date.now() / 1000) - 3600;
    await page.evaluate(
      ([expiredToken, expiresAt]) => {
        const key = 'easymo-station-auth';
        const session = JSON.parse(localStorage.getItem(key) ?? '{}');
        localStorage.setItem(key, JSON.stringify({ ...session, access_token: expiredToken, expires_at: expiresAt }));
      },
      [
        signJwt(
          { sub: 'a0000000-0000-4000-8000-000000000005', role: 'authenticated', aud: 'authenticated', exp: past },
          stack.jwtSecret,
        ),
        past,
      ] as const,
    );
    await page.reload();
    await expect(badge(page)).toHaveAttribute('data-pending', '1');

    await context.setOffline(false);
    await expect(badge(page)).toHaveAttribute('data-pending', '0', { timeout: 30_000 });
    expect(await voucherState(voucher.id)).toEqual({ status: 'redeemed', redeemed_station_id: STATION_1 });
  });
});
