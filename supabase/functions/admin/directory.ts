/**
 * Emails and names behind auth user ids (actors in the audit log, operators, admins), from
 * app.user_directory: one query per request, whatever the number of ids. The database
 * answers only admins.
 */
import type { Tx } from '../_shared/db.ts';

export interface DirectoryEntry {
  id: string;
  email: string | null;
  full_name: string | null;
  last_sign_in_at: Date | null;
}

export async function directory(
  tx: Tx,
  ids: readonly (string | null | undefined)[],
): Promise<Map<string, DirectoryEntry>> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
  if (wanted.length === 0) return new Map();
  const rows = await tx<DirectoryEntry[]>`
    select id, email, full_name, last_sign_in_at from app.user_directory(${wanted}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row]));
}

/** An instant as the contracts write it (ISO 8601, UTC), or null. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}

export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
