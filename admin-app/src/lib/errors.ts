import { ApiError } from '@easymo/client';

/** A sentence for the user from anything thrown by a call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return error.message;
    if (error.code === 'forbidden') return `Not allowed: ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** Field messages from a 400 `invalid_request` answer (details = zod issues): `{ "field.path": "message" }`. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request') return {};
  const issues = Array.isArray(error.details)
    ? (error.details as { path?: (string | number)[]; message?: string }[])
    : [];
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = (issue.path ?? []).join('.');
    if (issue.message && !(key in out)) out[key] = issue.message;
  }
  return out;
}
