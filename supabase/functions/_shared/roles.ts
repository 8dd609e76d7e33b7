/**
 * Role checks for admin routes. RLS decides what a caller sees and changes; these only turn
 * "RLS showed you nothing" (or changed nothing) into a clear 403, asked of the same SQL
 * helpers the policies call, inside the caller's transaction.
 */
import type { AdminRole } from '../../../packages/domain/src/roles.ts';
import type { Tx } from './db.ts';
import { UserError } from './errors.ts';

/** Who may issue and manage vouchers, and manage stations and their operators. */
export const ISSUERS: AdminRole[] = ['super_admin', 'data_ops'];

/** Refuses with 403 unless the caller holds one of `roles` (or, for 'any admin', any admin role). */
export async function requireRole(tx: Tx, roles: readonly AdminRole[] | 'any admin'): Promise<void> {
  const [row] =
    roles === 'any admin'
      ? await tx<{ ok: boolean }[]>`select app.is_admin() as ok`
      : await tx<{ ok: boolean }[]>`select app.has_any_role(${roles as AdminRole[]}) as ok`;
  if (!row?.ok) {
    throw new UserError(
      'forbidden',
      roles === 'any admin' ? 'This needs an admin role' : `This needs one of the roles ${roles.join(', ')}`,
    );
  }
}
