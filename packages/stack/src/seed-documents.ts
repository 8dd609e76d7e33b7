/**
 * Puts the seed's insurance documents into the `docs` bucket: for every path listed in
 * insurance_quotes.uploaded_docs that has no stored object yet, a sample document is
 * generated (packages/stack/src/sample-documents.ts) and stored the way the storage
 * stand-in stores uploads. Only for our local stack: a real Supabase has its own storage.
 */
import { randomUUID } from 'node:crypto';
import { connect } from './database.ts';
import type { Instance } from './instance.ts';
import type { Log } from './log.ts';
import { sampleDocument } from './sample-documents.ts';
import { storedMetadata, writeObjectFile } from './storage/files.ts';

export async function seedDocuments(instance: Instance, log: Log): Promise<number> {
  const sql = connect(instance);
  try {
    const missing = await sql<{ name: string; owner: string | null; plate: string | null; vehicle: string | null }[]>`
      select d.name, q.metadata #>> '{ocr,owner}' as owner, q.metadata #>> '{ocr,plate}' as plate,
             q.metadata #>> '{ocr,vehicle}' as vehicle
        from public.insurance_quotes q, unnest(q.uploaded_docs) as d (name)
       where not exists (select 1 from storage.objects o where o.bucket_id = 'docs' and o.name = d.name)`;
    let stored = 0;
    for (const row of missing) {
      const document = await sampleDocument(row.name, {
        owner: row.owner ?? 'Unknown driver',
        plate: row.plate ?? 'RAA 000A',
        vehicle: row.vehicle ?? 'Unknown vehicle',
      });
      if (!document) continue;
      const version = randomUUID();
      await writeObjectFile(instance.storageDir, 'docs', row.name, version, document.bytes);
      await sql`insert into storage.objects (bucket_id, name, version, metadata)
                values ('docs', ${row.name}, ${version}, ${sql.json(storedMetadata(document.bytes, document.mimetype, 'max-age=3600'))})`;
      stored += 1;
    }
    if (stored > 0) log(`stored ${stored} sample insurance documents in the docs bucket`);
    return stored;
  } finally {
    await sql.end({ timeout: 2 });
  }
}
