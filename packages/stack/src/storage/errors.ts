/**
 * storage-api's error shape: the logical status travels as a string in the body and the
 * HTTP status is 400 for every client error (500 stays 500).
 */
export class StorageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly code: string,
    /** Sent instead of 400 for the few routes storage-api answers with a real status. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }

  toResponse(): Response {
    const status = this.httpStatus ?? (this.statusCode === 500 ? 500 : 400);
    const body = { statusCode: String(this.statusCode), error: this.error, message: this.message, code: this.code };
    return Response.json(body, { status });
  }
}

export const objectNotFound = () => new StorageError(404, 'not_found', 'Object not found', 'NoSuchKey');
export const bucketNotFound = () => new StorageError(404, 'Bucket not found', 'Bucket not found', 'NoSuchBucket');
export const accessDenied = (message: string) => new StorageError(403, 'Unauthorized', message, 'AccessDenied');
export const duplicateObject = () =>
  new StorageError(409, 'Duplicate', 'The resource already exists', 'KeyAlreadyExists');
export const duplicateBucket = () =>
  new StorageError(409, 'Duplicate', 'The resource already exists', 'BucketAlreadyExists');
export const invalidKey = (key: string) => new StorageError(400, 'InvalidKey', `Invalid key: ${key}`, 'InvalidKey');
export const invalidRequest = (message: string) => new StorageError(400, 'Error', message, 'InvalidRequest');
export const invalidJwt = (message: string) => new StorageError(400, 'InvalidJWT', message, 'InvalidJWT');
export const invalidSignature = (message: string) =>
  new StorageError(400, 'InvalidSignature', message, 'InvalidSignature');
export const entityTooLarge = () =>
  new StorageError(413, 'Payload too large', 'The object exceeded the maximum allowed size', 'EntityTooLarge');
export const invalidMimeType = (mime: string) =>
  new StorageError(415, 'invalid_mime_type', `mime type ${mime} is not supported`, 'InvalidMimeType');

/** Maps Postgres errors raised while acting as the caller to storage-api's answers. */
export function fromPostgresError(error: unknown): StorageError | undefined {
  const pg = error as { code?: string; message?: string };
  if (pg.code === '42501') {
    const rls = pg.message?.includes('row-level security');
    return accessDenied(rls ? 'new row violates row-level security policy' : (pg.message ?? 'permission denied'));
  }
  return undefined;
}
