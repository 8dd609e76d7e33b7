/**
 * Media by link: like WhatsApp, the sandbox downloads the URL itself after accepting the
 * send. A download that fails (network error, non-2xx, not an image, too large) turns the
 * message into a `failed` status with error 131053; the send request still got HTTP 200.
 */

/** WhatsApp's limit for images. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export type MediaDownload =
  { ok: true; bytes: Uint8Array<ArrayBuffer>; contentType: string } | { ok: false; reason: string };

export async function downloadImage(
  link: string,
  fetchMedia: typeof fetch,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<MediaDownload> {
  let response: Response;
  try {
    response = await fetchMedia(link, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (error) {
    return { ok: false, reason: `Media download failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `Media download failed: the server answered HTTP ${response.status}` };
  }
  if (!contentType.startsWith('image/')) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `Media download failed: unsupported content type '${contentType || 'none'}'` };
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    return { ok: false, reason: `Media download failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (bytes.byteLength === 0) return { ok: false, reason: 'Media download failed: the file is empty' };
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    return { ok: false, reason: `Media download failed: ${bytes.byteLength} bytes is over the 5 MB image limit` };
  }
  return { ok: true, bytes, contentType };
}
