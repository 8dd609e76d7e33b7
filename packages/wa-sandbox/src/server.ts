/**
 * The sandbox app: the Cloud API send endpoint (`POST /{version}/{phone-number-id}/messages`),
 * the JSON control API under `/_sandbox` (failure knobs, throughput cap, inbound replies and
 * marketing preferences, read-back for tests, media) and the inbox pages. `startSandbox` serves it on 127.0.0.1.
 *
 * After an accepted send the message lives on in the background: media links are downloaded,
 * then `sent`, `delivered` (and `read`) status webhooks follow `statusDelayMs` apart, each
 * delivered (with retries) before the next is scheduled, so one message's statuses arrive in
 * order. A failure (async knob or media download) ends the timeline with one `failed` status.
 * Every status echoes the send request's `biz_opaque_callback_data`, as the Cloud API does.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  DELIVERY_ERROR_CODES,
  GraphError,
  deliveryError,
  invalidAccessToken,
  invalidParameter,
  unknownPath,
  unsupportedPost,
  webhookError,
  type SandboxErrorCode,
} from './graph-errors.ts';
import { newMediaId, newWamid, unixSeconds } from './ids.ts';
import { renderConversation, renderIndex } from './inbox.ts';
import { downloadImage } from './media.ts';
import { Scheduler } from './scheduler.ts';
import { parseSendRequest, waIdOf, type SendRequest } from './schema.ts';
import {
  SandboxState,
  type FailureRule,
  type RequestRecord,
  type SandboxMessage,
  type UserPreference,
  type WebhookKind,
} from './state.ts';
import { renderTemplateBody } from './templates.ts';
import {
  WebhookSender,
  inboundPayload,
  statusPayload,
  userPreferencePayload,
  type BusinessIdentity,
  type PricingCategory,
  type StatusEntry,
  type WebhookPayload,
} from './webhooks.ts';

export interface SandboxOptions {
  /** The token the client must send as `Authorization: Bearer <token>`. */
  accessToken: string;
  /** The business phone number id in the send URL. */
  phoneNumberId: string;
  /** `metadata.display_phone_number` in webhooks (digits). Default '15550000000'. */
  displayPhoneNumber?: string;
  /** `entry[].id` in webhooks. Default '100000000000001'. */
  wabaId?: string;
  /** Signs every webhook body (`X-Hub-Signature-256`). */
  appSecret: string;
  /** Where status and inbound webhooks go; none = don't send them. */
  webhookUrl?: string;
  /** Gap before and between the sent / delivered / read (or failed) statuses. Default 200. */
  statusDelayMs?: number;
  /** Also send a `read` status after `delivered`. Default false. */
  sendRead?: boolean;
  /** Template name → body text with {{named}} or {{1}} placeholders, for the inbox. */
  templates?: Record<string, string>;
  /** Template name → pricing category in status webhooks. Unlisted templates are 'utility'. */
  templateCategories?: Record<string, PricingCategory>;
  /** Waits before each webhook retry. Default [500, 1000, 2000] (three retries). */
  webhookRetryDelaysMs?: number[];
  /** Downloads media links. Default: global fetch. */
  fetchMedia?: typeof fetch;
  log?: (line: string) => void;
}

export interface Sandbox {
  app: Hono;
  state: SandboxState;
  /** Resolves once no media download, status timeline or webhook delivery is under way. */
  idle(): Promise<void>;
  /** Cancels pending status timers and webhook retries (the sandbox stays usable). */
  cancelPending(): void;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:8099 (point the Graph base URL here). */
  url: string;
  state: SandboxState;
  idle(): Promise<void>;
  /** Cancels pending webhooks and timers, closes every connection and the listener. */
  stop(): Promise<void>;
}

const VERSION = /^v\d+\.\d+$/;
const DEFAULT_STATUS_DELAY_MS = 200;
const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000];
const WEBHOOK_TIMEOUT_MS = 10_000;
const MEDIA_TIMEOUT_MS = 15_000;

const ZPhone = z.string().regex(/^\+?\d{8,15}$/, 'must be a phone number of 8 to 15 digits with an optional leading +');
const ZFailure = z.object({
  to: ZPhone,
  code: z.literal(DELIVERY_ERROR_CODES),
  times: z.number().int().positive().optional(),
  async: z.boolean().optional(),
});
const ZRateLimit = z.object({ per_minute: z.number().int().positive().nullable() });
const ZInbound = z.object({
  from: ZPhone,
  text: z.string().min(1).max(4096),
  name: z.string().min(1).max(256).optional(),
});
const ZUserPreference = z.object({
  from: ZPhone,
  value: z.enum(['stop', 'resume']),
  name: z.string().min(1).max(256).optional(),
});
const PREFERENCE_DETAIL = {
  stop: 'User requested to stop marketing messages',
  resume: 'User requested to resume marketing messages',
} as const;

class ControlError extends Error {}

export function createSandbox(options: SandboxOptions): Sandbox {
  const state = new SandboxState();
  const log = options.log ?? (() => undefined);
  const statusDelayMs = options.statusDelayMs ?? DEFAULT_STATUS_DELAY_MS;
  const fetchMedia: typeof fetch = options.fetchMedia ?? ((input, init) => fetch(input, init));
  const business: BusinessIdentity = {
    wabaId: options.wabaId ?? '100000000000001',
    phoneNumberId: options.phoneNumberId,
    displayPhoneNumber: options.displayPhoneNumber ?? '15550000000',
  };
  const sender = new WebhookSender({
    url: options.webhookUrl,
    appSecret: options.appSecret,
    retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    timeoutMs: WEBHOOK_TIMEOUT_MS,
    state,
    log,
  });
  // Replaced on reset and cancelPending, so work begun earlier cannot outlive them.
  let scheduler = new Scheduler();
  const cancelPending = () => {
    scheduler.stop();
    scheduler = new Scheduler();
  };

  const app = new Hono();

  // ── the Cloud API send endpoint ─────────────────────────────────────────────
  app.post('/:version/:phoneNumberId/messages', async (c) => {
    const record: RequestRecord = { at: new Date().toISOString(), method: 'POST', path: c.req.path, http_status: 0 };
    try {
      if (!VERSION.test(c.req.param('version'))) throw unknownPath(c.req.path);
      if (bearerToken(c) !== options.accessToken) throw invalidAccessToken();
      const phoneNumberId = c.req.param('phoneNumberId');
      if (phoneNumberId !== options.phoneNumberId) throw unsupportedPost(phoneNumberId);
      const body = parseJson(await c.req.text());
      if (typeof body === 'object' && body !== null) {
        const { to, type } = body as Record<string, unknown>;
        if (typeof to === 'string') record.to = to;
        if (typeof type === 'string') record.type = type;
      }
      const parsed = parseSendRequest(body);
      if (!parsed.ok) throw invalidParameter(parsed.details);
      const request = parsed.value;
      const waId = waIdOf(request.to);
      if (!state.admitSend()) throw deliveryError(130429);
      const failure = state.takeFailure(waId);
      if (failure && !failure.async) throw deliveryError(failure.code);

      const message = buildMessage(request, waId);
      state.addMessage(message);
      const running = scheduler;
      running.track(timeline(message, failure, running));
      record.http_status = 200;
      record.message_id = message.id;
      log(`accepted ${message.type} ${message.id} to +${waId}${failure ? ` (will fail with ${failure.code})` : ''}`);
      return c.json({
        messaging_product: 'whatsapp',
        contacts: [{ input: request.to, wa_id: waId }],
        messages: [message.type === 'template' ? { id: message.id, message_status: 'accepted' } : { id: message.id }],
      });
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      record.http_status = error.status;
      record.error_code = error.code;
      const details = error.body.error.error_data?.details;
      if (details !== undefined) record.error_details = details;
      log(`rejected ${c.req.path}: ${error.status} (#${error.code}) ${details ?? error.message}`);
      return error.toResponse();
    } finally {
      state.addRequest(record);
    }
  });

  function buildMessage(request: SendRequest, waId: string): SandboxMessage {
    const base = {
      id: newWamid(),
      to: request.to,
      wa_id: waId,
      ...(request.biz_opaque_callback_data === undefined
        ? {}
        : { biz_opaque_callback_data: request.biz_opaque_callback_data }),
      received_at: new Date().toISOString(),
      status: 'accepted' as const,
      history: [{ status: 'accepted' as const, at: new Date().toISOString() }],
    };
    switch (request.type) {
      case 'text':
        return {
          ...base,
          type: 'text',
          text: {
            body: request.text.body,
            ...(request.text.preview_url === undefined ? {} : { preview_url: request.text.preview_url }),
          },
        };
      case 'image': {
        const { link, id, caption } = request.image;
        return { ...base, type: 'image', image: { link, id, caption } };
      }
      case 'template': {
        const { name, language, components = [] } = request.template;
        const body = options.templates?.[name];
        const headerImage = components
          .filter((component) => component.type === 'header')
          .flatMap((component) => component.parameters)
          .find((parameter) => parameter.type === 'image');
        return {
          ...base,
          type: 'template',
          template: {
            name,
            language: language.code,
            components,
            ...(body === undefined ? {} : { rendered_body: renderTemplateBody(body, components) }),
            ...(headerImage ? { header_image: { link: headerImage.image.link, id: headerImage.image.id } } : {}),
          },
        };
      }
    }
  }

  function categoryOf(message: SandboxMessage): PricingCategory {
    if (!message.template) return 'service';
    return options.templateCategories?.[message.template.name] ?? 'utility';
  }

  /** Media download, then the status webhooks, for one accepted message. */
  async function timeline(message: SandboxMessage, failure: FailureRule | undefined, run: Scheduler): Promise<void> {
    let error: { code: SandboxErrorCode; details?: string } | undefined = failure ? { code: failure.code } : undefined;
    const media = message.image ?? message.template?.header_image;
    if (!error && media?.link) {
      const download = await downloadImage(media.link, fetchMedia, run.signal, MEDIA_TIMEOUT_MS);
      if (run.stopped) return;
      if (download.ok) {
        const id = newMediaId();
        state.putMedia({ id, bytes: download.bytes, content_type: download.contentType, source_url: media.link });
        media.media_id = id;
      } else {
        error = { code: 131053, details: download.reason };
      }
    }
    const entry = (status: StatusEntry['status']): StatusEntry => ({
      id: message.id,
      status,
      timestamp: unixSeconds(),
      recipient_id: message.wa_id,
      ...(message.biz_opaque_callback_data === undefined
        ? {}
        : { biz_opaque_callback_data: message.biz_opaque_callback_data }),
    });
    if (error) {
      if (!(await run.sleep(statusDelayMs))) return;
      const detail = webhookError(error.code, error.details);
      state.setStatus(message, 'failed', {
        code: detail.code,
        title: detail.title,
        details: detail.error_data.details,
      });
      log(`failed ${message.id}: ${detail.code} ${detail.error_data.details}`);
      await sender.deliver('status', statusPayload(business, { ...entry('failed'), errors: [detail] }), run);
      return;
    }
    const category = categoryOf(message);
    const conversation = state.conversationFor(message.wa_id, category);
    const pricing = { billable: category !== 'service', pricing_model: 'CBP' as const, category };
    const steps = options.sendRead ? (['sent', 'delivered', 'read'] as const) : (['sent', 'delivered'] as const);
    for (const status of steps) {
      if (!(await run.sleep(statusDelayMs))) return;
      state.setStatus(message, status);
      const status_: StatusEntry = entry(status);
      if (status === 'sent') {
        status_.conversation = {
          id: conversation.id,
          expiration_timestamp: unixSeconds(new Date(conversation.expires)),
          origin: { type: category },
        };
        status_.pricing = pricing;
      } else if (status === 'delivered') {
        status_.conversation = { id: conversation.id, origin: { type: category } };
        status_.pricing = pricing;
      }
      await sender.deliver('status', statusPayload(business, status_), run);
    }
  }

  // ── control API ─────────────────────────────────────────────────────────────
  app.post('/_sandbox/failures', async (c) => {
    const input = validate(ZFailure, await readJson(c));
    const rule: FailureRule = {
      wa_id: waIdOf(input.to),
      code: input.code,
      remaining: input.times ?? null,
      async: input.async ?? false,
    };
    state.addFailure(rule);
    return c.json({ failure: rule });
  });
  app.get('/_sandbox/failures', (c) => c.json({ failures: state.failures }));
  app.delete('/_sandbox/failures', (c) => {
    state.clearFailures();
    return c.json({ failures: [] });
  });

  app.post('/_sandbox/rate-limit', async (c) => {
    const input = validate(ZRateLimit, await readJson(c));
    if (input.per_minute === null) state.clearRateLimit();
    else state.rateLimitPerMinute = input.per_minute;
    return c.json({ per_minute: state.rateLimitPerMinute });
  });
  app.get('/_sandbox/rate-limit', (c) => c.json({ per_minute: state.rateLimitPerMinute }));

  app.post('/_sandbox/reset', (c) => {
    cancelPending();
    state.reset();
    return c.json({ reset: true });
  });

  app.post('/_sandbox/inbound', async (c) => {
    const form = isForm(c);
    const input = validate(ZInbound, form ? await readForm(c) : await readJson(c));
    const waId = waIdOf(input.from);
    const message = {
      id: newWamid(),
      from: waId,
      wa_id: waId,
      name: input.name ?? 'Sandbox User',
      text: input.text,
      received_at: new Date().toISOString(),
    };
    state.addInbound(message);
    log(`inbound ${message.id} from +${waId}: ${input.text}`);
    const payload = inboundPayload(
      business,
      { name: message.name, wa_id: waId },
      {
        from: waId,
        id: message.id,
        timestamp: unixSeconds(new Date(message.received_at)),
        type: 'text',
        text: { body: input.text },
      },
    );
    return deliverFromPhone(c, form, waId, 'inbound', payload, { message });
  });

  // WhatsApp's "Stop / resume marketing messages" for this business, as a user_preferences webhook.
  app.post('/_sandbox/user-preferences', async (c) => {
    const form = isForm(c);
    const input = validate(ZUserPreference, form ? await readForm(c) : await readJson(c));
    const waId = waIdOf(input.from);
    const now = new Date();
    const preference: UserPreference = {
      wa_id: waId,
      value: input.value,
      detail: PREFERENCE_DETAIL[input.value],
      at: now.toISOString(),
    };
    state.addPreference(preference);
    log(`user preference from +${waId}: ${input.value} marketing messages`);
    const payload = userPreferencePayload(
      business,
      { name: input.name ?? 'Sandbox User', wa_id: waId },
      {
        wa_id: waId,
        detail: preference.detail,
        category: 'marketing_messages',
        value: input.value,
        timestamp: Number(unixSeconds(now)),
      },
    );
    return deliverFromPhone(c, form, waId, 'user_preferences', payload, { preference });
  });

  /** Sends a webhook the phone caused: the inbox form goes back to the chat at once, a JSON caller gets the delivery result. */
  async function deliverFromPhone(
    c: Context,
    form: boolean,
    waId: string,
    kind: WebhookKind,
    payload: WebhookPayload,
    answer: Record<string, unknown>,
  ): Promise<Response> {
    const run = scheduler;
    const delivery = sender.deliver(kind, payload, run);
    run.track(delivery);
    if (form) return c.redirect(`/inbox/${encodeURIComponent(waId)}`, 303);
    return c.json({ ...answer, delivery: await delivery });
  }

  // ── read API ────────────────────────────────────────────────────────────────
  app.get('/_sandbox/messages', (c) => c.json({ messages: state.messagesTo(queryNumber(c, 'to')) }));
  app.get('/_sandbox/inbound', (c) => c.json({ messages: state.inboundFrom(queryNumber(c, 'from')) }));
  app.get('/_sandbox/user-preferences', (c) => c.json({ preferences: state.preferencesOf(queryNumber(c, 'from')) }));
  app.get('/_sandbox/requests', (c) => c.json({ requests: state.requests }));
  app.get('/_sandbox/webhooks', (c) => c.json({ webhooks: state.webhooks }));
  app.get('/_sandbox/media/:mediaId', (c) => {
    const media = state.getMedia(c.req.param('mediaId'));
    if (!media) return c.json({ error: { message: 'Unknown media id' } }, 404);
    return new Response(media.bytes, {
      headers: { 'content-type': media.content_type, 'content-length': String(media.bytes.byteLength) },
    });
  });

  // ── inbox pages ─────────────────────────────────────────────────────────────
  app.get('/', (c) => c.html(renderIndex(state, business)));
  app.get('/inbox/:number', (c) => {
    const waId = waIdOf(c.req.param('number'));
    if (!waId) return c.html(renderIndex(state, business), 404);
    return c.html(renderConversation(state, waId));
  });

  app.onError((error, c) => {
    if (error instanceof ControlError) return c.json({ error: { message: error.message } }, 400);
    log(`error ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1 } }, 500);
  });
  app.notFound((c) => {
    if (c.req.path.startsWith('/_sandbox/')) return c.json({ error: { message: 'Not found' } }, 404);
    return unknownPath(c.req.path).toResponse();
  });

  return {
    app,
    state,
    idle: () => scheduler.idle(),
    cancelPending,
  };
}

/** Serves the sandbox on `hostname` (127.0.0.1 by default); port 0 picks a free port. */
export async function startSandbox(
  options: SandboxOptions & { port: number; hostname?: string },
): Promise<RunningSandbox> {
  const sandbox = createSandbox(options);
  const hostname = options.hostname ?? '127.0.0.1';
  const server = await listen(sandbox.app, options.port, hostname);
  const address = server.address() as AddressInfo | string | null;
  const port = address && typeof address === 'object' ? address.port : options.port;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    state: sandbox.state,
    idle: sandbox.idle,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        sandbox.cancelPending();
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return stopped;
    },
  };
}

function listen(app: Hono, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`wa-sandbox: port ${port} on ${hostname} is already in use`, { cause: error })
          : error,
      ),
    );
  });
}

// ── helpers ───────────────────────────────────────────────────────────────────
/** The token from `Authorization: Bearer …`, or Graph's `access_token` query parameter. */
function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? c.req.query('access_token');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidParameter('Request body is not valid JSON');
  }
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown;
  } catch {
    throw new ControlError('body must be JSON');
  }
}

/** Form fields as strings; empty fields count as absent. */
async function readForm(c: Context): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(await c.req.parseBody())) {
    if (typeof value === 'string' && value !== '') fields[key] = value;
  }
  return fields;
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ControlError(issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body');
}

function isForm(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

function queryNumber(c: Context, name: string): string | undefined {
  const value = c.req.query(name);
  return value === undefined || value === '' ? undefined : waIdOf(value);
}
