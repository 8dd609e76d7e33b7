/**
 * For the admin-panel API tests: a signed-in client per demo role, fresh accounts, and a
 * fingerprint of a table so a refused call can be shown to have changed nothing.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import type postgres from 'postgres';
import { DEMO, serviceClient, signIn, stack } from './stack.ts';

export const ADMIN_ID = 'a0000000-0000-4000-8000-000000000001';
export const SUPPORT_ID = 'a0000000-0000-4000-8000-000000000002';
export const DATAOPS_ID = 'a0000000-0000-4000-8000-000000000003';
export const READONLY_ID = 'a0000000-0000-4000-8000-000000000004';
export const OPERATOR_ID = 'a0000000-0000-4000-8000-000000000005';

export type Role = 'admin' | 'support' | 'dataops' | 'readonly' | 'operator';
export const ROLES: readonly Role[] = ['admin', 'support', 'dataops', 'readonly', 'operator'];

/** One signed-in client per demo account. */
export async function signInAll(): Promise<Record<Role, SupabaseClient>> {
  const clients = await Promise.all(ROLES.map(async (role) => [role, (await signIn(DEMO[role])).client] as const));
  return Object.fromEntries(clients) as Record<Role, SupabaseClient>;
}

/** A confirmed account nobody else uses, with the demo password. */
export async function makeAccount(prefix = 'account'): Promise<{ id: string; email: string }> {
  const email = `${prefix}-${randomUUID().slice(0, 8)}@easymo.test`;
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    password: stack.demoPassword,
    email_confirm: true,
    user_metadata: { full_name: `Test ${prefix}` },
  });
  if (error || !data.user) throw new Error(`could not create ${email}: ${error?.message}`);
  return { id: data.user.id, email };
}

/** Every row of a table, as one string: equal before and after means nothing changed. */
export async function fingerprint(sql: postgres.Sql, table: string): Promise<string> {
  const [row] = await sql.unsafe<{ n: number; md5: string | null }[]>(
    `select count(*)::int as n, md5(string_agg(t::text, ',' order by t::text)) as md5 from ${table} t`,
  );
  return `${row?.n} rows, ${row?.md5}`;
}

/** How many audit rows there are about a table (optionally one target). */
export async function auditCount(sql: postgres.Sql, table: string, targetId?: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.audit_log
     where target_table = ${table} ${targetId === undefined ? sql`` : sql`and target_id = ${targetId}`}`;
  return row?.n ?? 0;
}
