/**
 * The closed set of API error codes. Every error body is
 * `{ "error": { "code", "message", "details"? } }`; the HTTP status follows the code.
 */
import { z } from 'zod';

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  internal: 500,
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
