/**
 * Reading requests the same way on every route: a JSON body (bounded in size; not JSON
 * is a 400, never a 500) and query strings, both checked by a contract schema.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ZUuid } from '../../../packages/contracts/src/fields.ts';
import { UserError } from './errors.ts';

/** Checks input against its contract: a mismatch is the caller's invalid_request, with zod's issues. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UserError('invalid_request', 'The request is not valid', parsed.error.issues);
  return parsed.data;
}

/** The largest JSON body any route accepts (a 10,000-row CSV fits). */
export const MAX_BODY_BYTES = 3_000_000;

/**
 * The raw body, refused with payload_too_large as soon as it passes `maxBytes` (read as a
 * stream, so a body without Content-Length is never held whole).
 */
export async function rawBody(c: Context, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new UserError('payload_too_large', `The body may hold at most ${maxBytes} bytes`);
  if (Number(c.req.header('content-length') ?? 0) > maxBytes) throw tooLarge();
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes = MAX_BODY_BYTES,
): Promise<z.output<S>> {
  const text = new TextDecoder().decode(await rawBody(c, maxBytes));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError('invalid_request', 'The body must be JSON');
  }
  return parseRequest(schema, value);
}

/** Query parameters (each given once) checked by a schema. */
export function queryParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const all = c.req.queries();
  const repeated = Object.entries(all).find(([, values]) => values.length > 1);
  if (repeated) throw new UserError('invalid_request', `Give the query parameter ${repeated[0]} once`);
  return parseRequest(schema, c.req.query());
}

/** A path parameter that must be a UUID: anything else names nothing, so it is not_found with `message`. */
export function uuidParam(c: Context, name: string, message: string): string {
  const parsed = ZUuid.safeParse(c.req.param(name));
  if (!parsed.success) throw new UserError('not_found', message);
  return parsed.data;
}
