/**
 * A stand-in for Supabase Storage (storage-api), mounted at /storage/v1. Object rows live
 * in `storage.objects`; bytes live on local disk under `.local/<instance>/storage`.
 *
 * As in storage-api, every permission question is asked of Postgres **as the caller**
 * (role and JWT claims set for the transaction), so the project's storage policies
 * decide: an upload first tries its INSERT as the caller and rolls it back, a download
 * or a signed URL first SELECTs the row as the caller. Bucket lookups and the final
 * writes run as service_role. Routes and bodies follow what storage-js sends.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import type postgres from 'postgres';
import { signJwt, verifyJwt, type JwtPayload } from '../jwt.ts';
import type { ApiSecrets } from '../secrets.ts';
import {
  StorageError,
  accessDenied,
  bucketNotFound,
  duplicateBucket,
  duplicateObject,
  entityTooLarge,
  fromPostgresError,
  invalidJwt,
  invalidKey,
  invalidMimeType,
  invalidRequest,
  invalidSignature,
  objectNotFound,
} from './errors.ts';
import { openObjectFile, removeBucketFiles, removeObjectFile, storedMetadata, writeObjectFile } from './files.ts';

export interface StorageDeps {
  sql: postgres.Sql;
  secrets: ApiSecrets;
  storageDir: string;
  /** The global upload limit (config.toml [storage] file_size_limit; 50 MiB by default). */
  maxFileSize?: number;
}

type DbRole = 'anon' | 'authenticated' | 'service_role';

interface Scope {
  role: DbRole;
  claims: JwtPayload;
  jwt: string;
  sub: string;
  authenticated: boolean;
}

const SERVICE: Scope = {
  role: 'service_role',
  claims: { role: 'service_role' },
  jwt: '',
  sub: '',
  authenticated: true,
};
const ANON: Scope = { role: 'anon', claims: { role: 'anon' }, jwt: '', sub: '', authenticated: false };
const KEY_PATTERN = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]+$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024;

interface ObjectRow {
  id: string;
  name: string;
  bucket_id: string;
  owner: string | null;
  owner_id: string | null;
  version: string | null;
  metadata: Record<string, unknown> | null;
  user_metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date;
}

interface BucketRow {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  file_size_limit: number | string | null;
  allowed_mime_types: string[] | null;
  created_at: Date;
  updated_at: Date;
}

/** Thrown inside a transaction to roll back a permission probe. */
class ProbeDone extends Error {}

export function createStorageService(deps: StorageDeps): Hono {
  const { sql, secrets } = deps;
  const globalLimit = deps.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const app = new Hono();

  // ── scopes ──────────────────────────────────────────────────────────────────
  function scopeOf(c: Context, options: { allowInvalid: boolean }): Scope {
    const header = c.req.header('authorization');
    const token = header?.replace(/^Bearer\s+/i, '').trim() ?? '';
    if (!token) {
      if (options.allowInvalid) return ANON;
      throw invalidRequest("headers must have required property 'authorization'");
    }
    const check = verifyJwt(token, secrets.jwtSecret);
    if (!check.ok) {
      if (options.allowInvalid) return ANON;
      const messages = {
        malformed: 'Invalid Compact JWS',
        unsupported_algorithm: 'alg not allowed',
        bad_signature: 'signature verification failed',
        expired: '"exp" claim timestamp check failed',
        not_yet_valid: '"nbf" claim timestamp check failed',
      } as const;
      throw accessDenied(messages[check.reason]);
    }
    const role = String(check.payload.role ?? 'anon');
    if (role !== 'anon' && role !== 'authenticated' && role !== 'service_role')
      throw accessDenied(`role ${role} is not allowed`);
    const sub = typeof check.payload.sub === 'string' ? check.payload.sub : '';
    return { role, claims: check.payload, jwt: token, sub, authenticated: true };
  }

  async function run<T>(
    scope: Scope,
    c: Context,
    operation: string,
    work: (tx: postgres.TransactionSql) => Promise<T>,
  ): Promise<T> {
    try {
      const result = await sql.begin(async (tx) => {
        await tx`select set_config('role', ${scope.role}, true),
                        set_config('request.jwt.claim.role', ${scope.role}, true),
                        set_config('request.jwt', ${scope.jwt}, true),
                        set_config('request.jwt.claim.sub', ${scope.sub}, true),
                        set_config('request.jwt.claims', ${JSON.stringify(scope.claims)}, true),
                        set_config('request.method', ${c.req.method}, true),
                        set_config('request.path', ${c.req.path}, true),
                        set_config('storage.operation', ${operation}, true),
                        set_config('storage.allow_delete_query', 'true', true)`;
        return work(tx);
      });
      return result as T;
    } catch (error) {
      throw fromPostgresError(error) ?? error;
    }
  }

  async function findBucket(c: Context, id: string): Promise<BucketRow> {
    const [bucket] = await run(
      SERVICE,
      c,
      'storage.bucket.get',
      (tx) => tx<BucketRow[]>`select * from storage.buckets where id = ${id}`,
    );
    if (!bucket) throw bucketNotFound();
    return bucket;
  }

  async function findObject(c: Context, scope: Scope, bucket: string, name: string): Promise<ObjectRow> {
    const [row] = await run(
      scope,
      c,
      'storage.object.get',
      (tx) => tx<ObjectRow[]>`select * from storage.objects where bucket_id = ${bucket} and name = ${name} limit 1`,
    );
    if (!row) throw objectNotFound();
    return row;
  }

  function checkKey(name: string): void {
    if (!name || !KEY_PATTERN.test(name) || name.split('/').some((part) => part === '..' || part === '.'))
      throw invalidKey(name);
  }

  async function objectResponse(
    c: Context,
    row: ObjectRow,
    bucket: string,
    extra: Record<string, string>,
  ): Promise<Response> {
    const meta = row.metadata ?? {};
    const mimetype = String(meta.mimetype ?? 'application/octet-stream');
    const headers: Record<string, string> = {
      'content-type': mimetype.includes('text/html') ? 'text/plain' : mimetype,
      'content-length': String(meta.contentLength ?? meta.size ?? 0),
      'accept-ranges': 'bytes',
      'x-robots-tag': 'none',
      ...(meta.eTag ? { etag: String(meta.eTag) } : {}),
      'last-modified': new Date(String(meta.lastModified ?? row.updated_at)).toUTCString(),
      ...extra,
    };
    const download = c.req.query('download');
    if (download !== undefined) {
      headers['content-disposition'] = download
        ? `attachment; filename=${download}; filename*=UTF-8''${encodeURIComponent(download)}`
        : 'attachment;';
    }
    const stream = await openObjectFile(deps.storageDir, bucket, row.name, row.version ?? '');
    // A row whose bytes are gone must not answer 200 with an empty body.
    if (!stream) throw objectNotFound();
    if (c.req.method === 'HEAD') {
      stream.destroy();
      return new Response(null, { status: 200, headers });
    }
    return new Response(Readable.toWeb(stream) as ReadableStream, { status: 200, headers });
  }

  function serializeObject(row: ObjectRow) {
    return {
      name: row.name,
      bucket_id: row.bucket_id,
      owner: row.owner ?? '',
      owner_id: row.owner_id ?? '',
      version: row.version ?? '',
      id: row.id,
      updated_at: row.updated_at,
      created_at: row.created_at,
      last_accessed_at: row.last_accessed_at,
      metadata: row.metadata,
      user_metadata: row.user_metadata,
    };
  }

  function serializeBucket(row: BucketRow, withType: boolean) {
    return {
      id: row.id,
      name: row.name,
      owner: row.owner ?? '',
      public: row.public,
      ...(withType ? { type: 'STANDARD' } : {}),
      file_size_limit: row.file_size_limit === null ? null : Number(row.file_size_limit),
      allowed_mime_types: row.allowed_mime_types,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  async function jsonBody(c: Context): Promise<Record<string, unknown>> {
    try {
      const body: unknown = await c.req.json();
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw invalidRequest('body must be a JSON object');
  }

  // ── upload ─────────────────────────────────────────────────────────────────
  interface Incoming {
    bytes: Buffer;
    mimetype: string;
    cacheControl: string;
    userMetadata: Record<string, unknown> | null;
  }

  async function readUpload(c: Context, limit: number): Promise<Incoming> {
    const contentType = c.req.header('content-type') ?? '';
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > limit) throw entityTooLarge();
    if (contentType.startsWith('multipart/form-data')) {
      const form = await c.req.formData();
      let file: File | undefined;
      for (const [, value] of form.entries()) {
        if (typeof value !== 'string') {
          file = value;
          break;
        }
      }
      if (!file) throw new StorageError(400, 'InvalidRequest', 'No content provided', 'InvalidRequest');
      const cache = form.get('cacheControl');
      const meta = form.get('metadata') ?? form.get('userMetadata');
      const explicitType = form.get('contentType');
      return {
        bytes: Buffer.from(await file.arrayBuffer()),
        mimetype:
          typeof explicitType === 'string' && explicitType ? explicitType : file.type || 'application/octet-stream',
        cacheControl: typeof cache === 'string' && cache ? `max-age=${cache}` : 'no-cache',
        userMetadata: typeof meta === 'string' ? parseJsonObject(meta) : null,
      };
    }
    const xMeta = c.req.header('x-metadata');
    return {
      bytes: Buffer.from(await c.req.arrayBuffer()),
      mimetype: contentType || 'application/octet-stream',
      cacheControl: c.req.header('cache-control') ?? 'no-cache',
      userMetadata: xMeta ? parseJsonObject(Buffer.from(xMeta, 'base64').toString('utf8')) : null,
    };
  }

  function mimeAllowed(mimetype: string, allowed: string[] | null): boolean {
    if (!allowed || allowed.length === 0) return true;
    const [type, sub] = mimetype.split('/');
    return allowed.some((entry) => {
      const [aType, aSub] = entry.split('/');
      return aType === type && (aSub === '*' || aSub === sub);
    });
  }

  async function upload(c: Context, upsert: boolean): Promise<Response> {
    const scope = scopeOf(c, { allowInvalid: false });
    const bucketId = c.req.param('bucket') ?? '';
    const name = c.req.param('key') ?? '';
    const bucket = await findBucket(c, bucketId);
    const bucketLimit =
      bucket.file_size_limit === null ? globalLimit : Math.min(globalLimit, Number(bucket.file_size_limit));
    const incoming = await readUpload(c, bucketLimit);
    if (incoming.bytes.length > bucketLimit) throw entityTooLarge();
    if (!mimeAllowed(incoming.mimetype, bucket.allowed_mime_types)) throw invalidMimeType(incoming.mimetype);
    checkKey(name);

    const owner = UUID_PATTERN.test(scope.sub) ? scope.sub : null;
    const ownerId = scope.sub || null;
    const probeMeta = { mimetype: incoming.mimetype, contentLength: incoming.bytes.length };
    // Ask the policies, as the caller, then roll back (storage-api's testPermission).
    try {
      await run(scope, c, 'storage.object.upload', async (tx) => {
        if (upsert) {
          await tx`insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version, user_metadata)
                   values (${bucketId}, ${name}, ${owner}, ${ownerId}, ${tx.json(probeMeta)}, '1', ${incoming.userMetadata ? tx.json(incoming.userMetadata as postgres.JSONValue) : null})
                   on conflict (name, bucket_id) do update set metadata = excluded.metadata, version = excluded.version,
                     owner = excluded.owner, owner_id = excluded.owner_id, user_metadata = excluded.user_metadata
                   returning id`;
        } else {
          await tx`insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version, user_metadata)
                   values (${bucketId}, ${name}, ${owner}, ${ownerId}, ${tx.json(probeMeta)}, '1', ${incoming.userMetadata ? tx.json(incoming.userMetadata as postgres.JSONValue) : null})`;
        }
        throw new ProbeDone();
      });
    } catch (error) {
      if (!(error instanceof ProbeDone)) {
        if ((error as { code?: string }).code === '23505') throw duplicateObject();
        throw error;
      }
    }

    const version = randomUUID();
    await writeObjectFile(deps.storageDir, bucketId, name, version, incoming.bytes);
    const metadata = storedMetadata(incoming.bytes, incoming.mimetype, incoming.cacheControl);
    let saved: { id: string; old_version: string | null } | undefined;
    try {
      saved = await run(SERVICE, c, 'storage.object.upload', async (tx) => {
        const [previous] = await tx<{ version: string | null }[]>`
          select version from storage.objects where bucket_id = ${bucketId} and name = ${name} for update`;
        if (previous && !upsert) throw duplicateObject();
        const [row] = await tx<{ id: string }[]>`
          insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version, user_metadata)
          values (${bucketId}, ${name}, ${owner}, ${ownerId}, ${tx.json(metadata)}, ${version}, ${incoming.userMetadata ? tx.json(incoming.userMetadata as postgres.JSONValue) : null})
          on conflict (name, bucket_id) do update set metadata = excluded.metadata, version = excluded.version,
            owner = excluded.owner, owner_id = excluded.owner_id, user_metadata = excluded.user_metadata
          returning id`;
        return { id: row?.id ?? '', old_version: previous?.version ?? null };
      });
    } catch (error) {
      await removeObjectFile(deps.storageDir, bucketId, name, version);
      throw error;
    }
    if (saved.old_version && saved.old_version !== version) {
      await removeObjectFile(deps.storageDir, bucketId, name, saved.old_version);
    }
    return c.json({ Id: saved.id, Key: `${bucketId}/${name}` });
  }

  // ── routes (specific paths before the generic /object/:bucket/:key) ──────────
  app.post('/object/sign/:bucket/:key{.+}', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const bucket = c.req.param('bucket');
    const name = c.req.param('key');
    const expiresIn = Number((await jsonBody(c)).expiresIn);
    if (!Number.isInteger(expiresIn) || expiresIn < 1) throw invalidRequest('Invalid Parameter expiresIn');
    await findObject(c, scope, bucket, name);
    const iat = Math.floor(Date.now() / 1000);
    const token = signJwt(
      { url: `${bucket}/${name}`, scope: 'download', iat, exp: iat + expiresIn },
      secrets.jwtSecret,
    );
    return c.json({ signedURL: `/object/sign/${bucket}/${name}?token=${token}` });
  });

  app.post('/object/sign/:bucket', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const bucket = c.req.param('bucket');
    const body = await jsonBody(c);
    const expiresIn = Number(body.expiresIn);
    const paths = Array.isArray(body.paths) ? body.paths.map(String) : [];
    if (!Number.isInteger(expiresIn) || expiresIn < 1) throw invalidRequest('Invalid Parameter expiresIn');
    if (paths.length === 0 || paths.length > 1000) throw invalidRequest('paths must hold 1 to 1000 names');
    const visible = await run(
      scope,
      c,
      'storage.object.sign_many',
      (tx) =>
        tx<{ name: string }[]>`select name from storage.objects where bucket_id = ${bucket} and name = any(${paths})`,
    );
    const names = new Set(visible.map((r) => r.name));
    const iat = Math.floor(Date.now() / 1000);
    return c.json(
      paths.map((p) =>
        names.has(p)
          ? {
              error: null,
              path: p,
              signedURL: `/object/sign/${bucket}/${p}?token=${signJwt({ url: `${bucket}/${p}`, scope: 'download', iat, exp: iat + expiresIn }, secrets.jwtSecret)}`,
            }
          : { error: 'Either the object does not exist or you do not have access to it', path: p, signedURL: null },
      ),
    );
  });

  app.on(['GET', 'HEAD'], '/object/sign/:bucket/:key{.+}', async (c) => {
    const bucket = c.req.param('bucket');
    const name = c.req.param('key');
    const token = c.req.query('token');
    if (!token) throw invalidRequest("querystring must have required property 'token'");
    const check = verifyJwt(token, secrets.jwtSecret);
    if (!check.ok) {
      throw invalidJwt(
        check.reason === 'expired' ? '"exp" claim timestamp check failed' : 'signature verification failed',
      );
    }
    if (check.payload.scope !== undefined && check.payload.scope !== 'download')
      throw invalidSignature('Token is not scoped for download');
    if (check.payload.url !== `${bucket}/${name}`) throw invalidSignature('Invalid signature');
    const row = await findObject(c, SERVICE, bucket, name);
    return objectResponse(c, row, bucket, { expires: new Date(Number(check.payload.exp) * 1000).toUTCString() });
  });

  app.on(['GET', 'HEAD'], '/object/public/:bucket/:key{.+}', async (c) => {
    const bucket = await findBucket(c, c.req.param('bucket'));
    if (!bucket.public) throw bucketNotFound();
    const row = await findObject(c, SERVICE, bucket.id, c.req.param('key'));
    return objectResponse(c, row, bucket.id, { 'cache-control': String(row.metadata?.cacheControl ?? 'no-cache') });
  });

  const download = (allowInvalid: boolean) => async (c: Context) => {
    const scope = scopeOf(c, { allowInvalid });
    const bucket = await findBucket(c, c.req.param('bucket') ?? '');
    if (!scope.authenticated && !bucket.public) throw bucketNotFound();
    const row = await findObject(c, bucket.public ? SERVICE : scope, bucket.id, c.req.param('key') ?? '');
    return objectResponse(c, row, bucket.id, { 'cache-control': String(row.metadata?.cacheControl ?? 'no-cache') });
  };
  app.on(['GET', 'HEAD'], '/object/authenticated/:bucket/:key{.+}', download(false));

  app.post('/object/list/:bucket', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const bucket = c.req.param('bucket');
    const body = await jsonBody(c);
    if (typeof body.prefix !== 'string') throw invalidRequest("body must have required property 'prefix'");
    let prefix = body.prefix;
    if (prefix && !prefix.endsWith('/')) prefix += '/';
    const search = typeof body.search === 'string' ? body.search : '';
    const limit = Number(body.limit ?? 100);
    const offset = Number(body.offset ?? 0);
    const sortBy = (body.sortBy ?? {}) as { column?: string; order?: string };
    const sortable = ['name', 'updated_at', 'created_at', 'last_accessed_at'] as const;
    const column = sortable.find((col) => col === sortBy.column) ?? 'name';
    const descending = sortBy.order === 'desc';
    const pattern = `${(prefix + search).replace(/[\\%_]/g, '\\$&')}%`;
    const rows = await run(
      scope,
      c,
      'storage.object.list',
      (tx) => tx<ObjectRow[]>`select * from storage.objects where bucket_id = ${bucket} and name ilike ${pattern}`,
    );
    const depth = prefix.split('/').length;
    const folders = new Set<string>();
    const files: ObjectRow[] = [];
    for (const row of rows) {
      const parts = row.name.split('/');
      if (parts.length > depth) folders.add(parts[depth - 1] ?? '');
      else files.push(row);
    }
    const direction = descending ? -1 : 1;
    const folderEntries = [...folders].sort().map((f) => ({
      name: f,
      id: null,
      updated_at: null,
      created_at: null,
      last_accessed_at: null,
      metadata: null,
    }));
    if (descending) folderEntries.reverse();
    const key = (r: ObjectRow) => (column === 'name' ? r.name : r[column].toISOString());
    files.sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : 0));
    const fileEntries = files.map((r) => ({
      name: r.name.split('/').pop() ?? r.name,
      id: r.id,
      updated_at: r.updated_at,
      created_at: r.created_at,
      last_accessed_at: r.last_accessed_at,
      metadata: r.metadata,
    }));
    return c.json([...folderEntries, ...fileEntries].slice(offset, offset + limit));
  });

  app.delete('/object/:bucket', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const bucket = c.req.param('bucket');
    const body = await jsonBody(c);
    const prefixes = Array.isArray(body.prefixes) ? body.prefixes.map(String) : [];
    if (prefixes.length === 0 || prefixes.length > 1000) throw invalidRequest('prefixes must hold 1 to 1000 names');
    // Rows the caller may not delete are skipped silently, as in storage-api.
    const deleted = await run(
      scope,
      c,
      'storage.object.delete_many',
      (tx) =>
        tx<
          ObjectRow[]
        >`delete from storage.objects where bucket_id = ${bucket} and name = any(${prefixes}) returning *`,
    );
    await Promise.all(deleted.map((row) => removeObjectFile(deps.storageDir, bucket, row.name, row.version ?? '')));
    return c.json(deleted.map(serializeObject));
  });

  app.delete('/object/:bucket/:key{.+}', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const bucket = c.req.param('bucket');
    const name = c.req.param('key');
    const existing = await findObject(c, SERVICE, bucket, name);
    const deleted = await run(
      scope,
      c,
      'storage.object.delete',
      (tx) => tx<ObjectRow[]>`delete from storage.objects where bucket_id = ${bucket} and name = ${name} returning *`,
    );
    if (deleted.length === 0) throw accessDenied('Access denied');
    await removeObjectFile(deps.storageDir, bucket, name, existing.version ?? '');
    return c.json({ message: 'Successfully deleted' });
  });

  app.post('/object/:bucket/:key{.+}', (c) => upload(c, c.req.header('x-upsert') === 'true'));
  app.put('/object/:bucket/:key{.+}', (c) => upload(c, true));
  app.on(['GET', 'HEAD'], '/object/:bucket/:key{.+}', download(true));

  // ── buckets (as the caller: policies on storage.buckets apply) ───────────────
  app.get('/bucket', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const rows = await run(
      scope,
      c,
      'storage.bucket.list',
      (tx) => tx<BucketRow[]>`select * from storage.buckets order by name`,
    );
    return c.json(rows.map((r) => serializeBucket(r, true)));
  });

  app.get('/bucket/:id', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const [row] = await run(
      scope,
      c,
      'storage.bucket.get',
      (tx) => tx<BucketRow[]>`select * from storage.buckets where id = ${c.req.param('id')}`,
    );
    if (!row) throw bucketNotFound();
    return c.json(serializeBucket(row, false));
  });

  app.post('/bucket', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const body = await jsonBody(c);
    const id = String(body.id ?? body.name ?? '');
    const name = String(body.name ?? id);
    if (!/^[A-Za-z0-9_!.*'() &$=@;:+,?-]{1,100}$/.test(id) || id.trim() !== id) {
      throw new StorageError(400, 'Invalid Input', 'Bucket name invalid', 'InvalidBucketName');
    }
    const limit = parseSizeLimit(body.file_size_limit);
    const mimes = Array.isArray(body.allowed_mime_types) ? body.allowed_mime_types.map(String) : null;
    try {
      await run(
        scope,
        c,
        'storage.bucket.create',
        (tx) => tx`insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
                   values (${id}, ${name}, ${UUID_PATTERN.test(scope.sub) ? scope.sub : null}, ${scope.sub || null},
                           ${body.public === true}, ${limit}, ${mimes})`,
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw duplicateBucket();
      throw error;
    }
    return c.json({ name });
  });

  app.put('/bucket/:id', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const body = await jsonBody(c);
    const updated = await run(
      scope,
      c,
      'storage.bucket.update',
      (tx) => tx`update storage.buckets
                    set public = coalesce(${typeof body.public === 'boolean' ? body.public : null}::boolean, public),
                        file_size_limit = ${'file_size_limit' in body ? parseSizeLimit(body.file_size_limit) : null}::bigint,
                        allowed_mime_types = ${Array.isArray(body.allowed_mime_types) ? body.allowed_mime_types.map(String) : null}::text[],
                        updated_at = now()
                  where id = ${c.req.param('id')} returning id`,
    );
    if (updated.length === 0) throw bucketNotFound();
    return c.json({ message: 'Successfully updated' });
  });

  app.delete('/bucket/:id', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    const id = c.req.param('id');
    await findBucket(c, id);
    const [{ count } = { count: 0 }] = await run(
      SERVICE,
      c,
      'storage.bucket.delete',
      (tx) => tx<{ count: number }[]>`select count(*)::int as count from storage.objects where bucket_id = ${id}`,
    );
    if (count > 0)
      throw new StorageError(
        409,
        'ResourceNotEmpty',
        'The bucket you tried to delete is not empty',
        'ResourceNotEmpty',
      );
    const deleted = await run(
      scope,
      c,
      'storage.bucket.delete',
      (tx) => tx`delete from storage.buckets where id = ${id} returning id`,
    );
    if (deleted.length === 0) throw bucketNotFound();
    await removeBucketFiles(deps.storageDir, id);
    return c.json({ message: 'Successfully deleted' });
  });

  app.post('/bucket/:id/empty', async (c) => {
    const scope = scopeOf(c, { allowInvalid: false });
    if (scope.role !== 'service_role') {
      throw new StorageError(403, 'Unauthorized', 'Access denied: Invalid role', 'AccessDenied', 403);
    }
    const id = c.req.param('id');
    await findBucket(c, id);
    await run(SERVICE, c, 'storage.bucket.empty', (tx) => tx`delete from storage.objects where bucket_id = ${id}`);
    await removeBucketFiles(deps.storageDir, id);
    return c.json({ message: 'Successfully emptied' });
  });

  app.onError((error, c) => {
    if (error instanceof StorageError) return error.toResponse();
    console.error(`[storage] ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return new StorageError(500, 'Internal', 'Internal Server Error', 'InternalError').toResponse();
  });
  app.notFound((c) =>
    Response.json(
      {
        statusCode: '404',
        error: 'Not Found',
        message: `Route ${c.req.method}:${c.req.path} not found`,
        code: 'InvalidRequest',
      },
      { status: 404 },
    ),
  );
  return app;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Bucket size limits: bytes, or "1.5MB"/"20GB"/"30KB"/"3B" (decimal units), or null. */
function parseSizeLimit(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)$/i.exec(String(value));
  if (!match) throw invalidRequest('Invalid file_size_limit');
  const units: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 };
  return Math.floor(Number(match[1]) * (units[(match[2] ?? 'B').toUpperCase()] ?? 1));
}
