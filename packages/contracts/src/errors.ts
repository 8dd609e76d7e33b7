/**
 * The closed set of API error codes. Every error body is
 * `{ "error": { "code", "message", "details"? } }`; the HTTP status follows the code.
 * `too_many_attempts` and `throttled` also carry a `Retry-After` header (seconds).
 */
import { z } from 'zod';

export const ERROR_STATUS = {
  invalid_request: 400,
  /** A QR token that is malformed or whose signature does not verify (forged or altered). */
  invalid_token: 400,
  unauthorized: 401,
  forbidden: 403,
  wrong_station: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_redeemed: 409,
  void: 409,
  not_yet_valid: 409,
  quiet_hours: 409,
  opted_out: 409,
  conflict: 409,
  expired: 410,
  payload_too_large: 413,
  idempotency_conflict: 422,
  /** An offline redemption captured too long ago or in the device's future. */
  capture_rejected: 422,
  too_many_attempts: 429,
  throttled: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ZErrorCode = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

export const ZErrorBody = z.object({
  error: z.object({
    code: ZErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type TErrorBody = z.infer<typeof ZErrorBody>;
