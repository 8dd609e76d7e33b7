/**
 * Fixtures and probes for the voucher tests: vouchers made directly in the database (as
 * the seed does), operator accounts, calls to the functions with the caller's session,
 * the WhatsApp sandbox's record of what each phone received, and scheduler ticks.
 */
import { randomUUID } from 'node:crypto';
import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import jsQR from 'jsqr';
import type postgres from 'postgres';
import sharp from 'sharp';
import { serviceClient, stack } from './stack.ts';

export const STATION_1 = 'b0000000-0000-4000-8000-000000000001'; // Kacyiru: operator@
export const STATION_2 = 'b0000000-0000-4000-8000-000000000002'; // Nyabugogo: operator2@
export const DRIVER = 'c0000000-0000-4000-8000-000000000001';

export const sandboxUrl = (() => {
  const url = process.env.WHATSAPP_SANDBOX_URL;
  if (!url) throw new Error('WHATSAPP_SANDBOX_URL is not set: run these tests through `pnpm test`');
  return url;
})();

/** A response body as the tests read it (its shape is the contracts' business; they are checked elsewhere). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/**
 * A function call's status, body and headers, whatever the status. With a signed-in
 * client the call goes through supabase-js (`functions.invoke`, as the apps call);
 * without one it is a bare request with only the anon key.
 */
export async function call(
  client: SupabaseClient | null,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  if (client) {
    const { data, error, response } = await client.functions.invoke(path, {
      method,
      ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
    });
    if (!error) {
      if (!response) throw new Error(`no response from ${path}`);
      return { status: response.status, body: data, headers: response.headers };
    }
    if (!(error instanceof FunctionsHttpError)) throw error;
    const failed = error.context as Response;
    return { status: failed.status, body: await readBody(failed), headers: failed.headers };
  }
  const response = await fetch(`${stack.url}/functions/v1/${path}`, {
    method,
    headers: {
      apikey: stack.anonKey,
      authorization: `Bearer ${stack.anonKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await readBody(response), headers: response.headers };
}

async function readBody(response: Response): Promise<Json> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface VoucherFixture {
  id: string;
  code5: string;
}

/**
 * A voucher made in the database as the seed makes them: issued, then moved to `status`
 * through the real transitions. Times are offsets from now in minutes.
 */
export async function makeVoucher(
  sql: postgres.Sql,
  options: {
    status?: 'issued' | 'sent' | 'void';
    amount?: number;
    scope?: string | null;
    issuedMinutesAgo?: number;
    expiresInMinutes?: number | null;
    userId?: string;
  } = {},
): Promise<VoucherFixture> {
  const issuedAgo = options.issuedMinutesAgo ?? 60;
  const expiresIn = options.expiresInMinutes === undefined ? 60 * 24 * 30 : options.expiresInMinutes;
  const [row] = await sql<VoucherFixture[]>`
    insert into public.vouchers (user_id, amount, station_scope, issued_at, expires_at)
    values (${options.userId ?? DRIVER}, ${options.amount ?? 5000}, ${options.scope ?? null},
            now() - make_interval(secs => ${issuedAgo * 60}),
            ${expiresIn === null ? null : sql`now() + make_interval(secs => ${expiresIn * 60})`})
    returning id, code5::text as code5`;
  if (!row) throw new Error('no voucher made');
  const status = options.status ?? 'sent';
  if (status !== 'issued') await sql`update public.vouchers set status = 'sent' where id = ${row.id}`;
  if (status === 'void') await sql`update public.vouchers set status = 'void' where id = ${row.id}`;
  return row;
}

/** A new station operator account (signed up through the auth stand-in's admin API). */
export async function makeOperator(sql: postgres.Sql, stationId: string): Promise<string> {
  const email = `operator-${randomUUID().slice(0, 8)}@easymo.test`;
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    password: stack.demoPassword,
    email_confirm: true,
  });
  if (error || !data.user) throw new Error(`could not create ${email}: ${error?.message}`);
  await sql`insert into public.station_operators (user_id, station_id, active) values (${data.user.id}, ${stationId}, true)`;
  return email;
}

/**
 * Sends go through whatever the clock says (no quiet hours, a throttle nobody reaches, no
 * opt-outs), and the send queue starts empty, so a tick works only on this test's cards.
 */
export async function resetSending(sql: postgres.Sql): Promise<void> {
  await sql`delete from public.voucher_send_queue`;
  await allowSending(sql);
}

/** Sends go through whatever the clock says: no quiet hours, a throttle nobody reaches. */
export async function allowSending(sql: postgres.Sql): Promise<void> {
  await sql`update public.settings set value = '{}' where key = 'quiet_hours'`;
  await sql`update public.settings set value = '{"whatsapp": {"per_minute": 60000}}' where key = 'send_throttle'`;
  await sql`update public.settings set value = '[]' where key = 'opt_out_list'`;
  await sql`delete from public.send_counts`;
  await sql`update public.send_channels set paused_until = null where paused_until is not null`;
}

/**
 * The sending settings as they are now (quiet hours, throttle, opt-outs); the returned
 * function puts them back, so a file that opens the gates for its sends leaves the
 * settings as it found them for the files after it.
 */
export async function saveSendingSettings(sql: postgres.Sql): Promise<() => Promise<void>> {
  const saved = await sql<{ key: string; value: postgres.JSONValue }[]>`
    select key, value from public.settings where key in ('quiet_hours', 'send_throttle', 'opt_out_list')`;
  return async () => {
    for (const { key, value } of saved) {
      await sql`update public.settings set value = ${sql.json(value)} where key = ${key} and value is distinct from ${sql.json(value)}`;
    }
  };
}

/** Forgets failed attempts, so one test's guesses do not lock out the next. */
export async function forgetAttempts(sql: postgres.Sql): Promise<void> {
  await sql`delete from public.code_attempts`;
}

export interface SandboxMessage {
  id: string;
  to: string;
  type: string;
  status: string;
  template?: {
    name: string;
    language: string;
    components: unknown[];
    rendered_body?: string;
    header_image?: { link: string; media_id?: string };
  };
}

export async function sandboxMessages(to?: string): Promise<SandboxMessage[]> {
  const query = to ? `?to=${encodeURIComponent(to)}` : '';
  const response = await fetch(`${sandboxUrl}/_sandbox/messages${query}`);
  return ((await response.json()) as { messages: SandboxMessage[] }).messages;
}

export async function sandbox(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${await response.text()}`);
}

/**
 * One scheduler tick, as pg_cron (or the dev stack's timer) makes it. Without `tasks` it
 * runs the voucher work only: campaigns (the seeded running one included) are dispatched
 * only by the tests that ask for the `campaigns` task.
 */
export async function tick(body: Record<string, unknown> = {}): Promise<Json> {
  body = { tasks: ['expire', 'bulk', 'sends', 'housekeeping'], ...body };
  const response = await fetch(`${stack.url}/functions/v1/scheduler/tick`, {
    method: 'POST',
    headers: {
      apikey: stack.serviceRoleKey,
      authorization: `Bearer ${stack.serviceRoleKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`tick failed: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting: ${what}`);
}

/** A number nobody else in the suite uses. */
export function freshMsisdn(): string {
  return `+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

/** Reads the QR in a PNG (decoded with sharp, read with jsQR, as a phone camera would). */
export async function readQr(png: Uint8Array): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data;
}

/** A voucher's detail as an admin sees it (the card and QR are made on first view). */
export async function voucherDetail(admin: SupabaseClient, id: string): Promise<Json> {
  const { status, body } = await call(admin, 'GET', `admin/vouchers/${id}`);
  if (status !== 200) throw new Error(`detail of ${id}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** The signed token in a voucher's stored QR image. */
export async function qrTokenOf(admin: SupabaseClient, id: string): Promise<string> {
  const detail = await voucherDetail(admin, id);
  const png = new Uint8Array(await (await fetch(detail.qr_url)).arrayBuffer());
  const token = await readQr(png);
  if (!token) throw new Error(`no QR could be read from the stored image of ${id}`);
  return token;
}
