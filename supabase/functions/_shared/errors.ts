/**
 * Errors a caller can act on become `{ "error": { "code", "message", "details"? } }` with
 * the status their code implies; anything else is logged with a request id and answered
 * with a generic 500 that leaks nothing. Database refusals that follow from the request
 * (a rule, a permission, a missing reference) are the caller's errors too: see fromDatabase.
 * Requests are checked with parseRequest (request.ts); a response that fails its own
 * contract is our bug, so a ZodError here is a 500.
 */
import type { Context } from 'hono';
import { ERROR_STATUS, type ErrorCode, type TErrorBody } from '../../../packages/contracts/src/errors.ts';

export class UserError extends Error {
  /** Seconds, sent as `Retry-After` (too_many_attempts, throttled). */
  retryAfter?: number;

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

/** The SQLSTATEs a request can cause, and the API error each one is. */
const DATABASE_ERRORS: Record<string, ErrorCode> = {
  '42501': 'forbidden', // insufficient_privilege: RLS, grants, role checks in SQL
  P0422: 'idempotency_conflict', // a redemption key reused for another request
  '23514': 'conflict', // check_violation: state machines and write rules
  '23505': 'conflict', // unique_violation
  '23503': 'invalid_request', // foreign_key_violation: refers to nothing
  '22P02': 'invalid_request', // invalid_text_representation
  '22007': 'invalid_request', // invalid_datetime_format
  '22008': 'invalid_request', // datetime_field_overflow
  '22009': 'invalid_request', // invalid_time_zone_displacement_value
  '22003': 'invalid_request', // numeric_value_out_of_range
  '22001': 'invalid_request', // string_data_right_truncation
  '22P05': 'invalid_request', // untranslatable_character: a NUL (\u0000) in text or jsonb
  '22021': 'invalid_request', // character_not_in_repertoire
  '22023': 'invalid_request', // invalid_parameter_value: an argument a SQL function refuses
  P0002: 'not_found', // no_data_found: a SQL function was asked about a row that does not exist
};

/** Postgres's own messages name tables and constraints; these sentences stand in for them. */
const DATABASE_MESSAGES: Record<string, string> = {
  '42501': 'You are not allowed to do this',
  '23514': 'This breaks a rule of the data model',
  '23505': 'This already exists',
  '23503': 'The request refers to something that does not exist',
};

/**
 * A database error the request caused, as a UserError; undefined for anything else. A
 * message our SQL raised on purpose (RAISE: routine exec_stmt_raise) is meant for people
 * and kept; Postgres's own is replaced where it would name the schema.
 */
export function fromDatabase(error: unknown): UserError | undefined {
  if (!(error instanceof Error) || error.name !== 'PostgresError') return undefined;
  const { code: sqlstate = '', routine } = error as Error & { code?: string; routine?: string };
  const code = DATABASE_ERRORS[sqlstate];
  if (!code) return undefined;
  const ours = routine === 'exec_stmt_raise';
  return new UserError(code, ours ? error.message : (DATABASE_MESSAGES[sqlstate] ?? error.message));
}

export function handleError(error: Error, c: Context): Response {
  const database = fromDatabase(error);
  if (database) error = database;
  if (error instanceof UserError) {
    if (error.retryAfter !== undefined) c.header('retry-after', String(error.retryAfter));
    return c.json(errorBody(error.code, error.message, error.details), error.status as 400);
  }
  const requestId = crypto.randomUUID();
  console.error(
    JSON.stringify({ level: 'error', requestId, path: c.req.path, message: error.message, stack: error.stack }),
  );
  return c.json(errorBody('internal', `Internal error (request ${requestId})`), 500);
}
