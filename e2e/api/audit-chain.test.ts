/**
 * The audit hash chain under concurrent writers, and `pnpm audit:verify` on a clean and
 * on a tampered chain.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { db, stack } from '../support/stack.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sql = db();
afterAll(() => sql.end());

const WRITERS = [
  { role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000003' }, // data_ops
  { role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000001' }, // super_admin
  { role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000002' }, // support
  { role: 'service_role' },
  { role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000003' },
  { role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000001' },
  { role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000002' },
  { role: 'service_role' },
];
const ROUNDS = 15;
/** Names this run's campaigns apart from any earlier run's on the same database. */
const RUN = Date.now().toString(36);

/** One writer: its own connection, ROUNDS transactions of two audited writes each, as its role. */
async function writer(index: number): Promise<number> {
  const claims = WRITERS[index] ?? { role: 'service_role' };
  const client = postgres(stack.dbUrl, { max: 1, onnotice: () => undefined });
  let writes = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      await client.begin(async (tx) => {
        await tx`select set_config('role', ${claims.role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        if (claims.role === 'service_role' || claims.sub?.endsWith('3')) {
          await tx`update public.vouchers set metadata = ${tx.json({ writer: index, round })} where id = 'd0000000-0000-4000-8000-000000000001'`;
          await tx`update public.vouchers set metadata = ${tx.json({ writer: index, round })} where id = 'd0000000-0000-4000-8000-000000000002'`;
        } else {
          await tx`insert into public.campaigns (name, type, template_id) values (${`concurrency ${RUN} ${index}/${round}`}, 'promo', 'weekend_promo')`;
          await tx`update public.campaigns set metadata = ${tx.json({ writer: index, round })} where name = ${`concurrency ${RUN} ${index}/${round}`}`;
        }
      });
      writes += 2;
    }
  } finally {
    await client.end({ timeout: 2 });
  }
  return writes;
}

describe('audit chain', () => {
  it('stays intact with 8 concurrent writers: one row per write, seq without gaps, every link valid', async () => {
    const [{ before }] = (await sql`select coalesce(max(seq), 0)::int as before from public.audit_log`) as unknown as [
      { before: number },
    ];
    const writes = await Promise.all(WRITERS.map((_, i) => writer(i)));
    const total = writes.reduce((a, b) => a + b, 0);
    expect(total).toBe(8 * ROUNDS * 2);

    // Other work (a late WhatsApp status webhook) may write audit rows meanwhile: count
    // this test's own rows, and check that all rows since form an unbroken sequence.
    const [{ own, added, max_seq: maxSeq }] = (await sql`
      select count(*) filter (
               where (target_table = 'vouchers' and target_id in ('d0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002'))
                  or (target_table = 'campaigns' and target_id in (select id::text from public.campaigns where name like ${`concurrency ${RUN} %`})))::int as own,
             count(*)::int as added, max(seq)::int as max_seq
        from public.audit_log where seq > ${before}`) as unknown as [{ own: number; added: number; max_seq: number }];
    expect(own).toBe(total);
    expect(maxSeq - before, 'seq without gaps').toBe(added);
    const [verdict] = await sql`select ok, problem from app.verify_audit_chain()`;
    expect(verdict).toEqual({ ok: true, problem: null });
  });

  it('a long open transaction does not hold up other audited writes (rows are sealed at commit)', async () => {
    const slow = postgres(stack.dbUrl, { max: 1, onnotice: () => undefined });
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const open = slow.begin(async (tx) => {
        await tx`update public.settings set value = value where key = 'send_throttle'`;
        await held; // the transaction stays open, its audit row unsealed
      });
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await sql`update public.campaigns set metadata = metadata where id = 'e0000000-0000-4000-8000-000000000002'`;
      expect(Date.now() - started).toBeLessThan(1000);
      release();
      await open;
      const [verdict] = await sql`select ok from app.verify_audit_chain()`;
      expect(verdict?.ok).toBe(true);
    } finally {
      await slow.end({ timeout: 2 });
    }
  });

  it('writers touching rows in opposite orders do not deadlock on the chain', async () => {
    const [a, b] = [postgres(stack.dbUrl, { max: 1 }), postgres(stack.dbUrl, { max: 1 })];
    const voucher = (n: number) => `d0000000-0000-4000-8000-00000000000${n}`;
    try {
      let secondHasItsRow: () => void = () => undefined;
      const rowTaken = new Promise<void>((resolve) => (secondHasItsRow = resolve));
      const first = a.begin(async (tx) => {
        await tx`update public.vouchers set metadata = '{"t": 1}' where id = ${voucher(1)}`;
        await rowTaken;
        // Waits for the second writer's row lock; the second must be able to commit.
        await tx`update public.vouchers set metadata = '{"t": 1}' where id = ${voucher(2)}`;
      });
      const second = b.begin(async (tx) => {
        await tx`update public.vouchers set metadata = '{"t": 2}' where id = ${voucher(2)}`;
        secondHasItsRow();
        await new Promise((r) => setTimeout(r, 300));
      });
      await expect(Promise.all([first, second])).resolves.toBeDefined();
      const [{ unsealed }] =
        (await sql`select count(*)::int as unsealed from public.audit_log where seq is null`) as unknown as [
          { unsealed: number },
        ];
      expect(unsealed).toBe(0);
    } finally {
      await a.end({ timeout: 2 });
      await b.end({ timeout: 2 });
    }
  });

  it('refuses audited writes under REPEATABLE READ, where the chain head could be stale', async () => {
    const client = postgres(stack.dbUrl, { max: 1, onnotice: () => undefined });
    try {
      await expect(
        client.begin('isolation level repeatable read', async (tx) => {
          await tx`update public.settings set value = value where key = 'send_throttle'`;
        }),
      ).rejects.toThrow('audited writes need READ COMMITTED isolation (found repeatable read)');
    } finally {
      await client.end({ timeout: 2 });
    }
  });

  it('a rolled-back write leaves no gap in the chain', async () => {
    await sql
      .begin(async (tx) => {
        await tx`update public.settings set value = '{"url": "https://revolut.me/rolled-back"}' where key = 'revolut_link'`;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sql`update public.settings set value = value where key = 'revolut_link'`;
    const [verdict] = await sql`select ok from app.verify_audit_chain()`;
    expect(verdict?.ok).toBe(true);
  });

  it('pnpm audit:verify passes a clean chain, names the first tampered row, and passes again once restored', async () => {
    const verify = () =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'packages/stack/src/cli.ts', 'verify-audit', '--instance', 'test'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
    const clean = verify();
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/^audit chain OK: \d+ rows/);

    const [row] = await sql`select seq, diff from public.audit_log order by seq limit 1 offset 3`;
    const seq = Number(row?.seq);
    const original = row?.diff as Record<string, unknown>;
    // As an attacker with superuser access would: triggers off, edit a row.
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update public.audit_log set diff = ${tx.json({ forged: true })} where seq = ${seq}`;
    });
    try {
      const tampered = verify();
      expect(tampered.status).toBe(1);
      expect(tampered.stderr).toContain(`audit chain BROKEN at seq ${seq}`);
      expect(tampered.stderr).toContain('row content was changed after it was written');
    } finally {
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update public.audit_log set diff = ${tx.json(original as postgres.JSONValue)} where seq = ${seq}`;
      });
    }
    expect(verify().status).toBe(0);
  });

  it('audit:verify --expect catches a full rewrite of the chain that verifies on its own', async () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'packages/stack/src/cli.ts', ...args, '--instance', 'test'], {
        cwd: root,
        encoding: 'utf8',
      });
    const checkpoint = cli('audit-checkpoint').stdout.trim();
    expect(checkpoint).toMatch(/^\d+:[0-9a-f]{64}$/);
    expect(cli('verify-audit', '--expect', checkpoint).status).toBe(0);

    const rewrite = async (diff: Record<string, unknown> | null) =>
      sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        if (diff) await tx`update public.audit_log set diff = ${tx.json(diff as postgres.JSONValue)} where seq = 2`;
        await tx`
          do $$
          declare r record; prev text;
          begin
            select hash into prev from public.audit_log where seq = 1;
            for r in select * from public.audit_log where seq >= 2 order by seq loop
              update public.audit_log set prev_hash = prev,
                     hash = app.audit_hash(prev, r.seq, r.id, r.actor_id, r.actor_kind, r.action, r.target_table, r.target_id, r.diff, r.created_at)
               where id = r.id returning hash into prev;
            end loop;
          end $$`;
      });
    const [original] = await sql`select diff from public.audit_log where seq = 2`;
    await rewrite({ forged: true });
    try {
      expect(cli('verify-audit').status).toBe(0); // the rewritten chain is consistent…
      const caught = cli('verify-audit', '--expect', checkpoint);
      expect(caught.status).toBe(1); // …but not the chain the checkpoint recorded
      expect(caught.stderr).toContain('the chain no longer holds this checkpoint');
    } finally {
      await rewrite(original?.diff as Record<string, unknown>);
    }
    expect(cli('verify-audit', '--expect', checkpoint).status).toBe(0);
  });
});
