/**
 * Errors a caller can act on become `{ "error": { "code", "message", "details"? } }` with
 * the status their code implies; anything else is logged with a request id and answered
 * with a generic 500 that leaks nothing.
 */
import type { Context } from 'hono';
import { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorCode, type TErrorBody } from '../../../packages/contracts/src/errors.ts';

export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'UserError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): TErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function handleError(error: Error, c: Context): Response {
  if (error instanceof UserError) {
    return c.json(errorBody(error.code, error.message, error.details), error.status as 400);
  }
  if (error instanceof ZodError) {
    return c.json(errorBody('invalid_request', 'The request is not valid', error.issues), 400);
  }
  const requestId = crypto.randomUUID();
  console.error(
    JSON.stringify({ level: 'error', requestId, path: c.req.path, message: error.message, stack: error.stack }),
  );
  return c.json(errorBody('internal', `Internal error (request ${requestId})`), 500);
}
