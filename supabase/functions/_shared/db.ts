/**
 * Postgres access for functions. Every query runs inside a transaction **as the caller**:
 * `role` and `request.jwt.claims` are set locally (as PostgREST does), so RLS decides
 * what the caller may see and change; the function never reasons about permissions.
 */
import postgres from 'postgres';
import type { Caller } from './auth.ts';
import { requireEnv } from './env.ts';

let client: postgres.Sql | undefined;

function sql(): postgres.Sql {
  // prepare: false keeps this working behind Supabase's transaction pooler.
  client ??= postgres(requireEnv('SUPABASE_DB_URL'), { prepare: false, max: 5, idle_timeout: 30 });
  return client;
}

export type Tx = postgres.TransactionSql;

export async function asCaller<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await sql().begin(async (tx) => {
    await tx`select set_config('role', ${caller.role}, true), set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`;
    return work(tx);
  });
  return result as T;
}
