/**
 * The status machines exist twice: as data in SQL (app.state_transitions, enforced by
 * triggers) and as pure functions in packages/domain (used by the apps). They must agree
 * on every (from, to) pair, on initial states, and on the states the tables accept.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { canTransition, MACHINES, type MachineName } from '../../packages/domain/src/state-machines.ts';
import { db } from '../support/stack.ts';

const sql = db();
afterAll(() => sql.end());

const TABLES: Record<MachineName, string> = {
  voucher: 'vouchers',
  campaign: 'campaigns',
  campaign_target: 'campaign_targets',
  insurance_quote: 'insurance_quotes',
};

describe.each(Object.keys(MACHINES) as MachineName[])('%s machine', (name) => {
  const machine = MACHINES[name] as unknown as { states: readonly string[]; initial: readonly string[] };

  it('allows exactly the same transitions in SQL and TypeScript', async () => {
    const edges = await sql<{ from_state: string; to_state: string }[]>`
      select from_state, to_state from app.state_transitions where machine = ${name}`;
    const sqlAllows = new Set(edges.map((e) => `${e.from_state}→${e.to_state}`));
    const disagreements: string[] = [];
    for (const from of machine.states) {
      for (const to of machine.states) {
        const ts = canTransition(MACHINES[name] as never, from as never, to as never);
        if (ts !== sqlAllows.has(`${from}→${to}`)) disagreements.push(`${from}→${to}: TypeScript ${ts}, SQL ${!ts}`);
      }
    }
    expect(disagreements).toEqual([]);
    // Nothing in SQL names a state TypeScript does not know.
    for (const edge of edges) expect(machine.states).toEqual(expect.arrayContaining([edge.from_state, edge.to_state]));
  });

  it('starts new rows in the same states', async () => {
    const [row] = await sql<
      { initial_states: string[] }[]
    >`select initial_states from app.state_machines where machine = ${name}`;
    expect([...(row?.initial_states ?? [])].sort()).toEqual([...machine.initial].sort());
  });

  it("knows exactly the states the table's status check accepts", async () => {
    const [row] = await sql<{ def: string }[]>`
      select pg_get_constraintdef(c.oid) as def from pg_constraint c
       where c.conrelid = ${`public.${TABLES[name]}`}::regclass and c.contype = 'c' and pg_get_constraintdef(c.oid) like '%status%ANY%'`;
    const accepted = [...(row?.def ?? '').matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
    expect(accepted.sort()).toEqual([...machine.states].sort());
  });
});
