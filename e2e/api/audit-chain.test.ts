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
          await tx`insert into public.campaigns (name, type, template_id) values (${`concurrency ${index}/${round}`}, 'promo', 'weekend_promo')`;
          await tx`update public.campaigns set metadata = ${tx.json({ writer: index, round })} where name = ${`concurrency ${index}/${round}`}`;
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

    const [{ added, max_seq: maxSeq }] = (await sql`
      select count(*)::int as added, max(seq)::int as max_seq from public.audit_log where seq > ${before}`) as unknown as [
      { added: number; max_seq: number },
    ];
    expect(added).toBe(total);
    expect(maxSeq).toBe(before + total);
    const [verdict] = await sql`select ok, problem from app.verify_audit_chain()`;
    expect(verdict).toEqual({ ok: true, problem: null });
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
});
