/**
 * The station PWA (issue 5): what a cold start downloads, how fast the app starts from
 * its offline cache, and how long 500 queued redemptions take to sync — each beside a
 * baseline from the same run: a first visit with no cache, and the same 500 rows sent
 * straight to `station/sync` without a browser.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { chromium, type Page } from 'playwright-core';
import type { EphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { CHROMIUM_ARGS } from '../packages/stack/src/system.ts';
import { accessToken } from './session.ts';
import { sentVouchers } from './vouchers.ts';

const OPERATOR = 'operator@easymo.test';
const TARGET_INITIAL_KB = 170;
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const SYNC_ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 500);

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** JavaScript a cold start fetches (the entry, its static imports, the SW registration) vs what waits for the scanner. */
function bundleSizes(dist: string) {
  const assets = readdirSync(path.join(dist, 'assets'));
  const gz = (file: string) => gzipSync(readFileSync(path.join(dist, 'assets', file))).length;
  const js = assets.filter((f) => f.endsWith('.js'));
  const lazy = js.filter((f) => f.startsWith('ScanScreen-'));
  const initial = js.filter((f) => !lazy.includes(f));
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  return {
    initial: initial.reduce((sum, f) => sum + gz(f), 0),
    lazyJs: lazy.reduce((sum, f) => sum + gz(f), 0),
    wasm: wasm.reduce((sum, f) => sum + gz(f), 0),
    initialFiles: initial,
  };
}

async function timeToScanButton(page: Page, go: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await go();
  await page.getByRole('button', { name: 'Scan QR code' }).waitFor();
  return performance.now() - started;
}

export async function pwaBench(stack: EphemeralStack): Promise<void> {
  const root = stack.instance.root;
  const sizes = bundleSizes(path.join(root, 'station-pwa/dist'));
  console.log(
    `initial JS (gzip): ${kb(sizes.initial)} KB in ${sizes.initialFiles.length} files; target ≤ ${TARGET_INITIAL_KB} KB`,
  );
  console.log(`  ratio to target: ${(sizes.initial / 1024 / TARGET_INITIAL_KB).toFixed(2)}`);
  console.log(`loaded when the scanner opens: JS ${kb(sizes.lazyJs)} KB + zxing wasm ${kb(sizes.wasm)} KB (gzip)`);

  const browser = await chromium.launch({
    executablePath: stack.env.CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  const sql = postgres(stack.env.SUPABASE_DB_URL, { max: 2, onnotice: () => undefined });
  try {
    // Baseline: first visits, nothing cached (a fresh profile each), to the sign-in form.
    const cold: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(stack.env.STATION_URL);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      cold.push(performance.now() - started);
      await context.close();
    }

    const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    await page.goto(stack.env.STATION_URL);
    await page.getByLabel('Email').fill(OPERATOR);
    await page.getByLabel('Password').fill(stack.env.DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Scan QR code' }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
    });

    const online: number[] = [];
    for (let i = 0; i < STARTS; i++) online.push(await timeToScanButton(page, () => page.reload()));
    await context.setOffline(true);
    const offline: number[] = [];
    for (let i = 0; i < STARTS; i++) offline.push(await timeToScanButton(page, () => page.reload()));

    console.log(`\nstart to a usable screen, median of ${STARTS}:`);
    console.log(`  first visit, no cache (sign-in form):      ${median(cold).toFixed(0)} ms  (baseline)`);
    console.log(
      `  signed in, online, shell from the cache:   ${median(online).toFixed(0)} ms  ratio ${(median(online) / median(cold)).toFixed(2)}`,
    );
    console.log(
      `  signed in, offline, shell from the cache:  ${median(offline).toFixed(0)} ms  ratio ${(median(offline) / median(cold)).toFixed(2)}`,
    );

    // 500 redemptions queued offline (written as the app writes them), then the network returns.
    const [operator] = await sql<{ id: string }[]>`select id from auth.users where email = ${OPERATOR}`;
    const codes = await sentVouchers(sql, SYNC_ROWS);
    const now = Date.now();
    const rows = codes.map((code5, i) => ({
      id: crypto.randomUUID(),
      station_id: 'b0000000-0000-4000-8000-000000000001',
      operator_id: operator?.id,
      code5,
      amount: null,
      verified: false,
      captured_at: new Date(now - 60_000).toISOString(),
      offline: true,
      state: 'pending',
      failures: 0,
      next_attempt_at: now,
      created_at: now + i,
    }));
    await page.evaluate(
      (outbox) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('easymo-station');
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            for (const row of outbox) tx.objectStore('outbox').put(row);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
      rows,
    );
    await page.reload(); // written behind Dexie's back: a reload shows them (offline, from the cache)
    await page.locator(`[data-testid="sync-badge"][data-pending="${SYNC_ROWS}"]`).waitFor();
    const syncStarted = performance.now();
    await context.setOffline(false);
    await page.locator('[data-testid="sync-badge"][data-pending="0"]').waitFor({ timeout: 300_000 });
    const pwaSync = performance.now() - syncStarted;
    const [{ redeemed } = { redeemed: 0 }] = await sql<{ redeemed: number }[]>`
      select count(*)::int as redeemed from public.vouchers where code5 = any(${codes}) and status = 'redeemed'`;

    // Baseline: the same number of rows straight to station/sync from Node (no browser, no IndexedDB).
    const direct = await sentVouchers(sql, SYNC_ROWS);
    const token = await accessToken(stack, OPERATOR);
    const directStarted = performance.now();
    for (let i = 0; i < direct.length; i += 100) {
      const response = await fetch(`${stack.env.SUPABASE_URL}/functions/v1/station/sync`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          apikey: stack.env.SUPABASE_ANON_KEY,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          rows: direct.slice(i, i + 100).map((code) => ({
            code,
            idempotency_key: crypto.randomUUID(),
            captured_at: new Date(now - 60_000).toISOString(),
            offline: true,
          })),
        }),
      });
      if (!response.ok) throw new Error(`station/sync answered ${response.status}`);
    }
    const directSync = performance.now() - directStarted;

    console.log(`\nsync ${SYNC_ROWS} queued redemptions (${redeemed} redeemed):`);
    console.log(`  station/sync from Node, 100 per request: ${directSync.toFixed(0)} ms  (baseline)`);
    console.log(
      `  the PWA's outbox after reconnecting:     ${pwaSync.toFixed(0)} ms  ratio ${(pwaSync / directSync).toFixed(2)}`,
    );
    if (redeemed !== SYNC_ROWS) throw new Error(`only ${redeemed} of ${SYNC_ROWS} vouchers were redeemed`);
  } finally {
    await sql.end({ timeout: 2 });
    await browser.close();
  }
}
