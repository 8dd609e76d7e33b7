/**
 * GoTrue's error envelope. Clients that send `X-Supabase-Api-Version: 2024-01-01`
 * (auth-js always does) get `{ code: "<error_code>", message }` and the header echoed
 * back; others get the legacy `{ code: <status>, error_code, msg }`. auth-js only trusts
 * `code` as the error code when the header is echoed, so the echo matters.
 */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const API_VERSION = '2024-01-01';

export function errorResponse(error: AuthError, requestApiVersion: string | undefined): Response {
  const modern =
    requestApiVersion !== undefined &&
    /^\d{4}-\d{2}-\d{2}$/.test(requestApiVersion) &&
    requestApiVersion >= API_VERSION;
  const headers: Record<string, string> = { 'x-sb-error-code': error.errorCode };
  if (modern) headers['x-supabase-api-version'] = API_VERSION;
  const body = modern
    ? { code: error.errorCode, message: error.message }
    : { code: error.status, error_code: error.errorCode, msg: error.message };
  return Response.json(body, { status: error.status, headers });
}

export const invalidCredentials = () => new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
export const validationFailed = (message: string, status = 400) => new AuthError(status, 'validation_failed', message);
export const noAuthorization = () =>
  new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
export const badJwt = (message: string, status = 403) => new AuthError(status, 'bad_jwt', message);
export const userNotFoundFromJwt = () =>
  new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
export const sessionNotFoundFromJwt = () =>
  new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
export const notAdmin = () => new AuthError(403, 'not_admin', 'User not allowed');
export const userNotFound = () => new AuthError(404, 'user_not_found', 'User not found');
export const emailExists = () =>
  new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
export const phoneExists = () => new AuthError(422, 'phone_exists', 'Phone number already registered by another user');
