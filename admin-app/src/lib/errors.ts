import { ApiError } from '@easymo/client';
import type { z } from 'zod';

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

/**
 * Zod issues as form messages, keyed the way `fieldErrors` keys a server 400 ("rw.end",
 * "location.latitude"), so a form shows its own check and the server's answer alike.
 */
export function issueMessages(error: z.ZodError, dropPrefix?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (dropPrefix !== undefined && path[0] === dropPrefix) path.shift();
    const key = path.join('.');
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/** Server field messages with a leading segment removed ("value.rw.end" → "rw.end"). */
export function withoutPrefix(messages: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(messages)) {
    out[key.startsWith(`${prefix}.`) ? key.slice(prefix.length + 1) : key === prefix ? '' : key] = message;
  }
  return out;
}
