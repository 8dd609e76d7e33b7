/**
 * Bulk issue from CSV: a dry run that reports every bad row and changes nothing, the real
 * run as a job the scheduler works through on behalf of the uploader, progress to poll,
 * and the rules (size, roles, an uploader demoted mid-way).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db, DEMO, signIn } from '../support/stack.ts';
import {
  call,
  resetSending,
  freshMsisdn,
  sandbox,
  sandboxMessages,
  saveSendingSettings,
  tick,
} from '../support/vouchers.ts';

const sql = db();
let dataops: SupabaseClient;
let dataopsId: string;

let restoreSettings: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  restoreSettings = await saveSendingSettings(sql);
  const session = await signIn(DEMO.dataops);
  dataops = session.client;
  dataopsId = session.session.user.id;
});
beforeEach(async () => {
  await resetSending(sql);
  await sandbox('POST', 'reset');
  // Jobs other tests left behind would share the tick's time.
  await sql`update public.voucher_bulk_jobs set status = 'failed' where status in ('queued', 'running')`;
});
afterAll(async () => {
  await restoreSettings();
  await sql.end();
});

const bulk = (client: SupabaseClient, body: unknown) => call(client, 'POST', 'admin/vouchers/bulk', body);
const counts = async () =>
  (
    await sql<{ vouchers: number; jobs: number; users: number }[]>`
      select (select count(*)::int from public.vouchers) as vouchers,
             (select count(*)::int from public.voucher_bulk_jobs) as jobs,
             (select count(*)::int from public.users) as users`
  )[0];

describe('POST admin/vouchers/bulk', () => {
  it('dry run: reports every bad row with its line and column, and changes nothing', async () => {
    const before = await counts();
    const csv = [
      'msisdn,amount,expires_at,station,note',
      `${freshMsisdn()},5000,,,ok`,
      'not-a-number,5000,,,',
      `${freshMsisdn()},-1,,,`,
      `${freshMsisdn()},100,2020-01-01,,`,
      `${freshMsisdn()},100,,NOWHERE-01,`,
      `${freshMsisdn()},100,,KGL-KNB-08,inactive station`,
      `${freshMsisdn()},100,,kgl-kcy-01,lower case code is fine`,
    ].join('\n');
    const { status, body } = await bulk(dataops, { csv, dry_run: true });
    expect(status).toBe(200);
    expect(body).toEqual({
      rows: 7,
      valid: 2,
      errors: [
        { line: 3, column: 'msisdn', message: expect.any(String) },
        { line: 4, column: 'amount', message: 'not an amount (digits, at most 2 decimals)' },
        { line: 5, column: 'expires_at', message: 'is in the past' },
        { line: 6, column: 'station', message: 'no active station has the ENGEN code NOWHERE-01' },
        { line: 7, column: 'station', message: 'no active station has the ENGEN code KGL-KNB-08' },
      ],
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses a real run while any row is bad (400 with the rows) and issues none of it', async () => {
    const before = await counts();
    const csv = `msisdn,amount\n${freshMsisdn()},5000\nbad,5000\n`;
    const { status, body } = await bulk(dataops, { csv, dry_run: false });
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    expect(body.error.details.errors).toEqual([{ line: 3, column: 'msisdn', message: expect.any(String) }]);
    expect(await counts()).toEqual(before);
  });

  it('issues 1,200 rows in batches on behalf of the uploader, with progress to poll, drivers created once', async () => {
    const numbers = Array.from({ length: 600 }, () => freshMsisdn());
    const rows = Array.from({ length: 1200 }, (_, i) => `${numbers[i % 600]},${1000 + i},Driver ${i % 600}`);
    const csv = `msisdn,amount,name\n${rows.join('\n')}\n`;
    const started = await bulk(dataops, { csv, dry_run: false, send: false });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'queued', total: 1200, processed: 0, issued: 0, sent: 0, errors: [] });
    const jobId = started.body.id;

    const first = await tick({ tasks: ['bulk'], budget_ms: 100 });
    expect(first.bulk_rows).toBeGreaterThanOrEqual(500);
    const midway = await call(dataops, 'GET', `admin/vouchers/bulk/${jobId}`);
    expect(midway.body.processed).toBe(first.bulk_rows);
    while ((await call(dataops, 'GET', `admin/vouchers/bulk/${jobId}`)).body.status !== 'done')
      await tick({ tasks: ['bulk'] });

    const done = await call(dataops, 'GET', `admin/vouchers/bulk/${jobId}`);
    expect(done.body).toMatchObject({
      status: 'done',
      total: 1200,
      processed: 1200,
      issued: 1200,
      sent: 0,
      errors: [],
    });
    expect(done.body.finished_at).not.toBeNull();
    const [made] = await sql<{ n: number; issuers: string[]; amounts: string }[]>`
      select count(*)::int as n, array_agg(distinct created_by::text) as issuers, sum(amount)::text as amounts
        from public.vouchers where metadata ->> 'bulk_job' = ${jobId}`;
    expect(made?.n).toBe(1200);
    expect(made?.issuers).toEqual([dataopsId]);
    expect(Number(made?.amounts)).toBe(1200 * 1000 + (1199 * 1200) / 2);
    const [drivers] = await sql<{ n: number; named: number }[]>`
      select count(*)::int as n, count(display_name)::int as named from public.users where msisdn = any(${numbers})`;
    expect(drivers).toEqual({ n: 600, named: 600 });
    const [audit] = await sql<{ actors: string[] }[]>`
      select array_agg(distinct a.actor_id::text) as actors from public.audit_log a
        join public.vouchers v on a.target_table = 'vouchers' and a.target_id = v.id::text
       where v.metadata ->> 'bulk_job' = ${jobId}`;
    expect(audit?.actors, 'the audit log names the uploader').toEqual([dataopsId]);
  });

  it('queues the cards of a job that sends, and the scheduler sends each once', async () => {
    const numbers = [freshMsisdn(), freshMsisdn(), freshMsisdn()];
    const csv = `msisdn,amount\n${numbers.map((n) => `${n},2000`).join('\n')}\n`;
    const { body } = await bulk(dataops, { csv, dry_run: false });
    await tick({ tasks: ['bulk'] });
    expect((await call(dataops, 'GET', `admin/vouchers/bulk/${body.id}`)).body).toMatchObject({ issued: 3, sent: 0 });
    expect((await tick({ tasks: ['sends'] })).sends.sent).toBe(3);
    expect((await call(dataops, 'GET', `admin/vouchers/bulk/${body.id}`)).body).toMatchObject({
      status: 'done',
      sent: 3,
    });
    const received = await sandboxMessages();
    expect(received.map((m) => m.to).sort()).toEqual([...numbers].sort());
  });

  it('stops a job when its uploader loses the right to issue', async () => {
    const csv = `msisdn,amount\n${freshMsisdn()},2000\n`;
    const { body } = await bulk(dataops, { csv, dry_run: false });
    const [role] = await sql`select roles from public.admin_roles where user_id = ${dataopsId}`;
    await sql`delete from public.admin_roles where user_id = ${dataopsId}`;
    try {
      await tick({ tasks: ['bulk'] });
    } finally {
      await sql`insert into public.admin_roles (user_id, roles) values (${dataopsId}, ${role?.roles})`;
    }
    const job = await call(dataops, 'GET', `admin/vouchers/bulk/${body.id}`);
    expect(job.body).toMatchObject({ status: 'failed', issued: 0 });
    expect(job.body.errors[0].message).toMatch(/may no longer issue/);
  });

  it('accepts 10,000 rows and refuses 10,001', async () => {
    const row = `${freshMsisdn()},1000`;
    const full = await bulk(dataops, { csv: `msisdn,amount\n${`${row}\n`.repeat(10_000)}`, dry_run: true });
    expect(full.body).toMatchObject({ rows: 10_000, valid: 10_000, errors: [] });
    const over = await bulk(dataops, { csv: `msisdn,amount\n${`${row}\n`.repeat(10_001)}`, dry_run: true });
    expect(over.body).toMatchObject({ rows: 10_001, valid: 0 });
    expect(over.body.errors[0].message).toMatch(/at most 10,000 rows/);
  });

  it('is for issuers only, and progress of an unknown job is 404', async () => {
    for (const email of [DEMO.support, DEMO.readonly, DEMO.operator]) {
      const client = (await signIn(email)).client;
      const answer = await bulk(client, { csv: 'msisdn,amount\n+250788123456,100\n', dry_run: true });
      expect([answer.status, answer.body.error.code], email).toEqual([403, 'forbidden']);
    }
    expect((await call(dataops, 'GET', 'admin/vouchers/bulk/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
