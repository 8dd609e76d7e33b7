/**
 * Test helpers: a local HTTP receiver that records webhook requests (raw bytes kept for
 * signature checks) and can serve files, plus small request shortcuts for the sandbox app.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export const TOKEN = 'test-access-token';
export const PHONE_NUMBER_ID = '106540352242922';
export const APP_SECRET = 'test-app-secret';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: unknown;
}

interface Reply {
  status: number;
  body?: string | Buffer;
  contentType?: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the answer to each request (default 200 `ok`). */
  reply: (request: Received, index: number) => Reply;
  /** Waits until at least `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    reply: () => ({ status: 200, body: 'ok' }),
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received);
            return true;
          }
          return false;
        };
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} requests, got ${received.length}`)),
          timeoutMs,
        );
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const json = parseJson(raw);
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, json };
      const index = received.length;
      received.push(request);
      const answer = receiver.reply(request, index);
      res.statusCode = answer.status;
      res.setHeader('content-type', answer.contentType ?? 'text/plain');
      res.end(answer.body ?? '');
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

function parseJson(raw: Buffer): unknown {
  try {
    return raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies an `X-Hub-Signature-256` value independently of the sandbox's own code. */
export function verifySignature(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** POSTs a send-message body to the app. */
export function send(
  app: Hono,
  body: unknown,
  init: { token?: string | null; path?: string; raw?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return Promise.resolve(
    app.request(init.path ?? `/v21.0/${PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers,
      body: init.raw ?? JSON.stringify(body),
    }),
  );
}

export function control(app: Hono, method: string, path: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

export const text = (to: string, body = 'hello') => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body },
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
