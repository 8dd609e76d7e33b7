/**
 * The storage stand-in with the real supabase-js: objects are recorded as the caller,
 * so storage policies decide. The fixture bucket lets admins in and keeps everyone else
 * out, like the private buckets of the data model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonClient, db, DEMO, serviceClient, signIn, signJwt, stack } from '../support/stack.ts';

const sql = db();
const BUCKET = 'contract-test';
// A real 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  await sql`insert into storage.buckets (id, name, public) values (${BUCKET}, ${BUCKET}, false) on conflict do nothing`;
  await sql.unsafe(`
    create policy "contract test: admins read" on storage.objects for select to authenticated
      using (bucket_id = '${BUCKET}' and app.is_admin());
    create policy "contract test: admins write" on storage.objects for insert to authenticated
      with check (bucket_id = '${BUCKET}' and app.is_admin());
    create policy "contract test: admins update" on storage.objects for update to authenticated
      using (bucket_id = '${BUCKET}' and app.is_admin());
    create policy "contract test: admins delete" on storage.objects for delete to authenticated
      using (bucket_id = '${BUCKET}' and app.is_admin());`);
});

afterAll(async () => {
  await sql`delete from storage.objects where bucket_id = ${BUCKET}`;
  for (const verb of ['read', 'write', 'update', 'delete']) {
    await sql.unsafe(`drop policy if exists "contract test: admins ${verb}" on storage.objects`);
  }
  await sql`delete from storage.buckets where id = ${BUCKET}`;
  await sql.end();
});

describe('storage', () => {
  const path = `cards/${Date.now()}/voucher.png`;

  it('an admin uploads; the row records the caller as owner, with storage-api metadata', async () => {
    const { client, session } = await signIn(DEMO.admin);
    const { data, error } = await client.storage.from(BUCKET).upload(path, PNG, { contentType: 'image/png' });
    expect(error).toBeNull();
    expect(data).toMatchObject({ path, fullPath: `${BUCKET}/${path}`, id: expect.any(String) });
    const [row] =
      await sql`select owner, owner_id, metadata from storage.objects where bucket_id = ${BUCKET} and name = ${path}`;
    expect(row).toMatchObject({
      owner: session.user.id,
      owner_id: session.user.id,
      metadata: { mimetype: 'image/png', size: PNG.length, contentLength: PNG.length, httpStatusCode: 200 },
    });
    expect(row?.metadata.eTag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('refuses a second upload to the same path unless upsert is asked for', async () => {
    const { client } = await signIn(DEMO.admin);
    const again = await client.storage.from(BUCKET).upload(path, PNG, { contentType: 'image/png' });
    expect(again.error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
    const upsert = await client.storage.from(BUCKET).upload(path, PNG, { contentType: 'image/png', upsert: true });
    expect(upsert.error).toBeNull();
  });

  it('an admin downloads the same bytes with the stored content type', async () => {
    const { client } = await signIn(DEMO.admin);
    const { data, error } = await client.storage.from(BUCKET).download(path);
    expect(error).toBeNull();
    expect(data?.type).toBe('image/png');
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('a signed URL serves the object to anyone until it expires, and only for that path', async () => {
    const { client } = await signIn(DEMO.admin);
    const { data, error } = await client.storage.from(BUCKET).createSignedUrl(path, 60);
    expect(error).toBeNull();
    const signedUrl = data?.signedUrl ?? '';
    expect(signedUrl).toContain(`${stack.url}/storage/v1/object/sign/${BUCKET}/${path}?token=`);

    const fetched = await fetch(signedUrl);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PNG)).toBe(true);

    const token = new URL(signedUrl).searchParams.get('token') ?? '';
    const otherPath = await fetch(`${stack.url}/storage/v1/object/sign/${BUCKET}/cards/other.png?token=${token}`);
    expect(otherPath.status).toBe(400);
    expect(await otherPath.json()).toMatchObject({ statusCode: '400', error: 'InvalidSignature' });

    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(
      { url: `${BUCKET}/${path}`, scope: 'download', iat: now - 120, exp: now - 60 },
      stack.jwtSecret,
    );
    const late = await fetch(`${stack.url}/storage/v1/object/sign/${BUCKET}/${path}?token=${expired}`);
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ error: 'InvalidJWT', message: '"exp" claim timestamp check failed' });

    const forged = signJwt(
      { url: `${BUCKET}/${path}`, scope: 'download', iat: now, exp: now + 60 },
      'not-the-project-secret-0000',
    );
    expect((await fetch(`${stack.url}/storage/v1/object/sign/${BUCKET}/${path}?token=${forged}`)).status).toBe(400);
  });

  it('the operator can neither read, sign, overwrite nor delete the object', async () => {
    const { client } = await signIn(DEMO.operator);
    const bucket = client.storage.from(BUCKET);

    const download = await bucket.download(path);
    expect(download.data).toBeNull();
    expect(download.error).toMatchObject({ statusCode: '404' });

    const signed = await bucket.createSignedUrl(path, 60);
    expect(signed.error).toMatchObject({ statusCode: '404', message: 'Object not found' });

    const upload = await bucket.upload(`${path}.copy`, PNG, { contentType: 'image/png' });
    expect(upload.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });

    const removed = await bucket.remove([path]);
    expect(removed.error).toBeNull();
    expect(removed.data).toEqual([]);
    const [still] =
      await sql`select count(*)::int as n from storage.objects where bucket_id = ${BUCKET} and name = ${path}`;
    expect(still?.n).toBe(1);

    const listed = await bucket.list('cards');
    expect(listed.data).toEqual([]);
  });

  it('without a session nothing is readable: the object looks absent', async () => {
    const { data, error } = await anonClient().storage.from(BUCKET).download(path);
    expect(data).toBeNull();
    expect(error).toMatchObject({ status: 400, statusCode: '404' });
  });

  it('removing an object leaves objects nested under its name intact', async () => {
    const { client } = await signIn(DEMO.admin);
    const bucket = client.storage.from(BUCKET);
    const parent = `nested/${Date.now()}`;
    const child = `${parent}/child.png`;
    const other = Buffer.concat([PNG, Buffer.from('child')]);
    expect((await bucket.upload(parent, PNG, { contentType: 'image/png' })).error).toBeNull();
    expect((await bucket.upload(child, other, { contentType: 'image/png' })).error).toBeNull();
    expect((await bucket.remove([parent])).data?.map((o) => o.name)).toEqual([parent]);
    const { data, error } = await bucket.download(child);
    expect(error).toBeNull();
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(other)).toBe(true);
    expect((await bucket.download(parent)).error).toMatchObject({ statusCode: '404' });
  });

  it('an object whose bytes went missing answers 404, never a 200 with an empty body', async () => {
    const { client } = await signIn(DEMO.admin);
    const name = `orphan/${Date.now()}.png`;
    expect((await client.storage.from(BUCKET).upload(name, PNG, { contentType: 'image/png' })).error).toBeNull();
    await sql`update storage.objects set version = 'gone' where bucket_id = ${BUCKET} and name = ${name}`;
    const { data, error } = await client.storage.from(BUCKET).download(name);
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: '404' });
  });

  it('an admin lists and removes the object; it is gone afterwards', async () => {
    const { client } = await signIn(DEMO.admin);
    const folder = path.split('/').slice(0, 2).join('/');
    const listed = await client.storage.from(BUCKET).list(folder);
    expect(listed.data?.map((o) => o.name)).toEqual(['voucher.png']);

    const removed = await client.storage.from(BUCKET).remove([path]);
    expect(removed.error).toBeNull();
    expect(removed.data?.map((o) => o.name)).toEqual([path]);
    const after = await client.storage.from(BUCKET).download(path);
    expect(after.error).toMatchObject({ statusCode: '404' });
  });

  it('the service role manages buckets through the bucket API', async () => {
    const storage = serviceClient().storage;
    const { data, error } = await storage.getBucket(BUCKET);
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: BUCKET, public: false });
    const created = await storage.createBucket(BUCKET);
    expect(created.error).toMatchObject({ statusCode: '409' });
  });
});

describe('seeded insurance documents', () => {
  it('every document a quote lists is stored in the docs bucket, readable by support and hidden from data ops', async () => {
    const quotes = await sql<{ uploaded_docs: string[] }[]>`select uploaded_docs from public.insurance_quotes`;
    const paths = quotes.flatMap((q) => q.uploaded_docs);
    expect(paths.length).toBeGreaterThanOrEqual(12);

    const support = (await signIn(DEMO.support)).client.storage.from('docs');
    for (const path of paths) {
      const { data, error } = await support.download(path);
      expect(error, path).toBeNull();
      const bytes = Buffer.from(await (data as Blob).arrayBuffer());
      const magic = path.endsWith('.pdf') ? '%PDF' : '\u0089PNG';
      expect(bytes.subarray(0, 4).toString('latin1'), path).toBe(magic);
    }

    const dataOps = (await signIn(DEMO.dataops)).client.storage.from('docs');
    expect((await dataOps.download(paths[0] ?? '')).error).toMatchObject({ statusCode: '404' });
  });
});
