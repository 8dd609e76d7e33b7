/**
 * Meta signs every webhook with the app secret: `X-Hub-Signature-256: sha256=<hex>`,
 * an HMAC-SHA256 of the raw body bytes. Checked before the body is even parsed, with
 * WebCrypto's verify (constant time).
 */
async function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    usage,
  ]);
}

export async function signHubBody(body: Uint8Array<ArrayBuffer>, secret: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), body));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function verifyHubSignature(
  body: Uint8Array<ArrayBuffer>,
  header: string | undefined,
  secret: string,
): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const mac = Uint8Array.from(match[1].match(/../g) ?? [], (h) => parseInt(h, 16));
  return crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), mac, body);
}
