/**
 * Supabase Storage over its REST API, as the caller: the caller's own token goes along,
 * so the bucket policies decide (the service role passes them all). Only what the
 * functions need: store an image, hand out a signed URL.
 */
import type { Caller } from './auth.ts';
import { requireEnv } from './env.ts';

function headers(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
  return { apikey: requireEnv('SUPABASE_ANON_KEY'), authorization: `Bearer ${caller.token}`, ...extra };
}

/** `bucket/name`, encoded; a name with an empty, `.` or `..` segment is refused (it would leave the bucket). */
export function objectPath(bucket: string, name: string): string {
  const segments = name.split('/');
  if (!bucket || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) {
    throw new Error(`refusing the storage object name ${JSON.stringify(name)}`);
  }
  return `${encodeURIComponent(bucket)}/${segments.map(encodeURIComponent).join('/')}`;
}

async function failure(response: Response, what: string): Promise<Error> {
  const body = await response.text();
  return new Error(`storage ${what} failed with ${response.status}: ${body.slice(0, 300)}`);
}

/** Stores (or replaces) an object. */
export async function putObject(
  caller: Caller,
  bucket: string,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
): Promise<void> {
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/storage/v1/object/${objectPath(bucket, name)}`, {
    method: 'POST',
    headers: headers(caller, { 'content-type': contentType, 'x-upsert': 'true', 'cache-control': 'max-age=3600' }),
    body: bytes,
  });
  if (!response.ok) throw await failure(response, `upload of ${bucket}/${name}`);
  await response.body?.cancel();
}

/** A URL anyone holding it may download the object from until it expires. */
export async function signedUrl(caller: Caller, bucket: string, name: string, expiresIn: number): Promise<string> {
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/storage/v1/object/sign/${objectPath(bucket, name)}`, {
    method: 'POST',
    headers: headers(caller, { 'content-type': 'application/json' }),
    body: JSON.stringify({ expiresIn }),
  });
  if (!response.ok) throw await failure(response, `signing ${bucket}/${name}`);
  const { signedURL } = (await response.json()) as { signedURL: string };
  return `${requireEnv('SUPABASE_URL')}/storage/v1${signedURL}`;
}

/**
 * Signed URLs for many objects of one bucket in one request, by name; a name the caller
 * may not read, that is not stored, or that no URL can carry (see objectPath) is absent
 * from the map.
 */
export async function signedUrls(
  caller: Caller,
  bucket: string,
  names: readonly string[],
  expiresIn: number,
): Promise<Map<string, string>> {
  const carried = names.filter((name) => {
    try {
      objectPath(bucket, name);
      return true;
    } catch {
      return false;
    }
  });
  if (carried.length === 0) return new Map();
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/storage/v1/object/sign/${encodeURIComponent(bucket)}`, {
    method: 'POST',
    headers: headers(caller, { 'content-type': 'application/json' }),
    body: JSON.stringify({ expiresIn, paths: carried }),
  });
  if (!response.ok) throw await failure(response, `signing ${carried.length} objects of ${bucket}`);
  const answers = (await response.json()) as { path: string | null; signedURL: string | null }[];
  const urls = new Map<string, string>();
  for (const { path, signedURL } of answers) {
    if (path && signedURL) urls.set(path, `${requireEnv('SUPABASE_URL')}/storage/v1${signedURL}`);
  }
  return urls;
}
