/**
 * Where the storage stand-in keeps object bytes: `<storageDir>/<bucket>/<sha256(name)>/<version>`.
 * Hashing the name keeps every object in a folder of its own, so objects named `a` and
 * `a/b` can never share or remove each other's files, and no name can escape the folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

function objectDir(storageDir: string, bucket: string, name: string): string {
  return path.join(storageDir, bucket, createHash('sha256').update(name).digest('hex'));
}

function versionFile(storageDir: string, bucket: string, name: string, version: string): string {
  if (!/^[0-9A-Za-z-]+$/.test(version)) throw new Error(`bad object version ${version}`);
  return path.join(objectDir(storageDir, bucket, name), version);
}

/** Writes a version atomically (write, then rename). */
export async function writeObjectFile(
  storageDir: string,
  bucket: string,
  name: string,
  version: string,
  bytes: Uint8Array,
): Promise<void> {
  const file = versionFile(storageDir, bucket, name, version);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.part`, bytes);
  await rename(`${file}.part`, file);
}

/** Removes one version, and the object's folder once it is empty. */
export async function removeObjectFile(
  storageDir: string,
  bucket: string,
  name: string,
  version: string,
): Promise<void> {
  await rm(versionFile(storageDir, bucket, name, version), { force: true });
  await rmdir(objectDir(storageDir, bucket, name)).catch(() => undefined);
}

/** A stream of the stored bytes, or undefined when the file is missing. */
export async function openObjectFile(
  storageDir: string,
  bucket: string,
  name: string,
  version: string,
): Promise<ReadStream | undefined> {
  const file = versionFile(storageDir, bucket, name, version);
  const found = await stat(file).catch(() => undefined);
  return found?.isFile() ? createReadStream(file) : undefined;
}

export async function removeBucketFiles(storageDir: string, bucket: string): Promise<void> {
  await rm(path.join(storageDir, bucket), { recursive: true, force: true });
}

/** The `metadata` storage-api writes for an object's bytes. */
export function storedMetadata(bytes: Uint8Array, mimetype: string, cacheControl: string) {
  return {
    eTag: `"${createHash('md5').update(bytes).digest('hex')}"`,
    size: bytes.length,
    mimetype,
    cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: bytes.length,
    httpStatusCode: 200,
  };
}
