/**
 * Keyset cursors for admin lists: the last row's sort key (as Postgres writes it with
 * `::text`) and its id, as base64url JSON, opaque to clients. A cursor is checked against
 * the shape its sort key must have before any of it reaches SQL.
 */
import { UserError } from '../_shared/errors.ts';

/** A timestamptz as Postgres writes it: "2026-11-24 10:00:00.123+00". */
export const TIMESTAMPTZ_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

export function encodeCursor(key: string, id: string): string {
  return btoa(JSON.stringify([key, id]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function decodeCursor(
  cursor: string,
  keyShape: RegExp,
  refusal = 'The cursor is not one this API gave out',
): { key: string; id: string } {
  try {
    const [key, id] = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as unknown[];
    if (typeof key === 'string' && keyShape.test(key) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) {
      return { key, id };
    }
  } catch {
    // fall through
  }
  throw new UserError('invalid_request', refusal);
}
