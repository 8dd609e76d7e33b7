/**
 * The one WhatsApp Cloud API client: `POST {api}/{version}/{phone-number-id}/messages`
 * with a bearer token, as Graph documents it. Sends template messages (business-initiated
 * messages must be templates; ours use named parameters and an image header for the
 * voucher card), images and text. Graph errors come back as `{ error: { code, … } }`
 * whatever the HTTP status; each documented code is classified into what the sender
 * should do next.
 */
import { optionalEnv, requireEnv } from './env.ts';

export interface WhatsAppConfig {
  apiUrl: string;
  version: string;
  token: string;
  phoneNumberId: string;
  fetch?: typeof fetch;
}

/** What to do after a failed send. */
export type WhatsAppErrorKind =
  /** Too many messages (overall or to this person): wait, then try again. */
  | 'throttled'
  /** The message did not reach this person now (not on WhatsApp, engagement limits): try much later. */
  | 'undeliverable'
  /** This message is wrong (a bad parameter, outside the 24-hour window): retrying the same will not help. */
  | 'rejected'
  /**
   * WhatsApp, the network or our account setup failed (an expired token, a template not
   * approved): nothing is wrong with this message; try again later.
   */
  | 'unavailable';

export interface WhatsAppError {
  kind: WhatsAppErrorKind;
  /** Graph's error code (0 when the network failed or the body was not Graph's). */
  code: number;
  message: string;
  httpStatus: number;
  /** Seconds to wait before trying again; null when trying again will not help. */
  retryAfterSeconds: number | null;
}

export type SendResult = { ok: true; messageId: string; waId: string } | { ok: false; error: WhatsAppError };

/** Documented Cloud API error codes and how we react to them. */
const ERROR_CODES: Record<number, { kind: WhatsAppErrorKind; retryAfterSeconds: number | null }> = {
  130429: { kind: 'throttled', retryAfterSeconds: 60 }, // rate limit hit (throughput)
  131056: { kind: 'throttled', retryAfterSeconds: 300 }, // pair rate limit: too many to this person
  131048: { kind: 'throttled', retryAfterSeconds: 3600 }, // spam rate limit
  4: { kind: 'throttled', retryAfterSeconds: 300 }, // API too many calls
  80007: { kind: 'throttled', retryAfterSeconds: 300 }, // account rate limit
  131026: { kind: 'undeliverable', retryAfterSeconds: 6 * 3600 }, // message undeliverable
  131049: { kind: 'undeliverable', retryAfterSeconds: 24 * 3600 }, // healthy ecosystem engagement
  131047: { kind: 'rejected', retryAfterSeconds: null }, // re-engagement: outside the 24 h window
  131051: { kind: 'rejected', retryAfterSeconds: null }, // unsupported message type
  131053: { kind: 'undeliverable', retryAfterSeconds: 3600 }, // media upload error
  100: { kind: 'rejected', retryAfterSeconds: null }, // invalid parameter
  // Account and template setup: every message fails until someone fixes it; keep them queued.
  190: { kind: 'unavailable', retryAfterSeconds: 900 }, // access token expired or invalid
  10: { kind: 'unavailable', retryAfterSeconds: 900 }, // permission denied
  200: { kind: 'unavailable', retryAfterSeconds: 900 }, // permission error
  132000: { kind: 'unavailable', retryAfterSeconds: 900 }, // template parameter count mismatch
  132001: { kind: 'unavailable', retryAfterSeconds: 900 }, // template does not exist (or not approved)
  132015: { kind: 'unavailable', retryAfterSeconds: 900 }, // template paused
  131000: { kind: 'unavailable', retryAfterSeconds: 60 }, // something went wrong
  131016: { kind: 'unavailable', retryAfterSeconds: 60 }, // service unavailable
  133004: { kind: 'unavailable', retryAfterSeconds: 60 }, // server temporarily unavailable
};

export function classifyError(code: number, httpStatus: number, message: string): WhatsAppError {
  const known = ERROR_CODES[code];
  if (known) return { ...known, code, message, httpStatus };
  if (httpStatus === 0 || httpStatus >= 500)
    return { kind: 'unavailable', code, message, httpStatus, retryAfterSeconds: 60 };
  if (httpStatus === 429) return { kind: 'throttled', code, message, httpStatus, retryAfterSeconds: 60 };
  return { kind: 'rejected', code, message, httpStatus, retryAfterSeconds: null };
}

export interface TemplateMessage {
  name: string;
  language: string;
  /** Named body parameters ({{name}} in the template). */
  body: Record<string, string>;
  /** An image header, by a link WhatsApp downloads. */
  headerImageLink?: string;
  /** Echoed back in this message's status webhooks (how a send never recorded is found). */
  bizOpaqueCallbackData?: string;
}

type OutgoingMessage =
  | { type: 'template'; template: unknown; biz_opaque_callback_data?: string }
  | { type: 'image'; image: { link: string; caption?: string } }
  | { type: 'text'; text: { body: string; preview_url: boolean } };

export class WhatsAppClient {
  constructor(private readonly config: WhatsAppConfig) {}

  static fromEnv(): WhatsAppClient {
    return new WhatsAppClient({
      apiUrl: optionalEnv('WHATSAPP_API_URL', 'https://graph.facebook.com'),
      version: optionalEnv('WHATSAPP_API_VERSION', 'v21.0'),
      token: requireEnv('WHATSAPP_TOKEN'),
      phoneNumberId: requireEnv('WHATSAPP_PHONE_NUMBER_ID'),
    });
  }

  sendTemplate(to: string, message: TemplateMessage): Promise<SendResult> {
    const components: unknown[] = [];
    if (message.headerImageLink) {
      components.push({ type: 'header', parameters: [{ type: 'image', image: { link: message.headerImageLink } }] });
    }
    const body = Object.entries(message.body);
    if (body.length > 0) {
      components.push({
        type: 'body',
        parameters: body.map(([name, text]) => ({ type: 'text', parameter_name: name, text })),
      });
    }
    return this.send(to, {
      type: 'template',
      template: { name: message.name, language: { code: message.language }, components },
      ...(message.bizOpaqueCallbackData === undefined
        ? {}
        : { biz_opaque_callback_data: message.bizOpaqueCallbackData }),
    });
  }

  sendImage(to: string, link: string, caption?: string): Promise<SendResult> {
    return this.send(to, { type: 'image', image: caption === undefined ? { link } : { link, caption } });
  }

  sendText(to: string, body: string): Promise<SendResult> {
    return this.send(to, { type: 'text', text: { body, preview_url: false } });
  }

  private async send(to: string, message: OutgoingMessage): Promise<SendResult> {
    const { apiUrl, version, phoneNumberId, token } = this.config;
    const url = `${apiUrl.replace(/\/$/, '')}/${version}/${encodeURIComponent(phoneNumberId)}/messages`;
    let response: Response;
    try {
      response = await (this.config.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        signal: AbortSignal.timeout(20_000),
      });
    } catch (error) {
      return { ok: false, error: classifyError(0, 0, `WhatsApp could not be reached: ${(error as Error).message}`) };
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const accepted = body as { messages?: { id?: string }[]; contacts?: { wa_id?: string }[] } | undefined;
    const messageId = accepted?.messages?.[0]?.id;
    if (response.ok && messageId) {
      return { ok: true, messageId, waId: accepted?.contacts?.[0]?.wa_id ?? to.replace(/^\+/, '') };
    }
    if (response.ok) {
      // A 200 without a message id is not WhatsApp's answer (a proxy's page?): try again later.
      return {
        ok: false,
        error: classifyError(0, 502, `WhatsApp answered 200 without a message id: ${text.slice(0, 200)}`),
      };
    }
    const graph = (body as { error?: { code?: number; message?: string; error_data?: { details?: string } } })?.error;
    const description = graph
      ? [graph.message, graph.error_data?.details].filter(Boolean).join(': ')
      : `WhatsApp answered ${response.status} without a Graph error: ${text.slice(0, 200)}`;
    return { ok: false, error: classifyError(graph?.code ?? 0, response.status, description) };
  }
}
