/**
 * Webhook payloads shaped like Meta's `messages` and `user_preferences` field notifications, the
 * `X-Hub-Signature-256` signature (HMAC-SHA256 of the exact raw body with the app secret),
 * and delivery with a short retry backoff. Every attempt is written to the state's log.
 */
import { createHmac } from 'node:crypto';
import type { WebhookError } from './graph-errors.ts';
import type { Scheduler } from './scheduler.ts';
import type { SandboxState, WebhookAttempt, WebhookKind } from './state.ts';

/** The business side of every notification. */
export interface BusinessIdentity {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export type PricingCategory = 'authentication' | 'marketing' | 'utility' | 'service';

export interface StatusEntry {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: PricingCategory } };
  pricing?: { billable: boolean; pricing_model: 'CBP'; category: PricingCategory };
  errors?: WebhookError[];
}

export interface InboundText {
  from: string;
  id: string;
  timestamp: string;
  type: 'text';
  text: { body: string };
}

export interface UserPreferenceEntry {
  wa_id: string;
  detail: string;
  category: 'marketing_messages';
  value: 'stop' | 'resume';
  /** An integer, unlike every other webhook timestamp (so Meta's reference shows it). */
  timestamp: number;
}

export type WebhookField = 'messages' | 'user_preferences';

export interface WebhookPayload {
  object: 'whatsapp_business_account';
  entry: {
    id: string;
    changes: { field: WebhookField; value: Record<string, unknown> }[];
  }[];
}

function envelope(
  business: BusinessIdentity,
  value: Record<string, unknown>,
  field: WebhookField = 'messages',
): WebhookPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: business.displayPhoneNumber,
                phone_number_id: business.phoneNumberId,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export function statusPayload(business: BusinessIdentity, status: StatusEntry): WebhookPayload {
  return envelope(business, { statuses: [status] });
}

export function inboundPayload(
  business: BusinessIdentity,
  contact: { name: string; wa_id: string },
  message: InboundText,
): WebhookPayload {
  return envelope(business, {
    contacts: [{ profile: { name: contact.name }, wa_id: contact.wa_id }],
    messages: [message],
  });
}

export function userPreferencePayload(
  business: BusinessIdentity,
  contact: { name: string; wa_id: string },
  preference: UserPreferenceEntry,
): WebhookPayload {
  return envelope(
    business,
    { contacts: [{ profile: { name: contact.name }, wa_id: contact.wa_id }], user_preferences: [preference] },
    'user_preferences',
  );
}

/** The `X-Hub-Signature-256` header value for a raw body. */
export function signBody(rawBody: string | Uint8Array, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export interface DeliveryResult {
  delivered: boolean;
  /** Set when nothing was sent because no webhookUrl is configured. */
  skipped?: 'no webhookUrl';
  attempts: WebhookAttempt[];
}

export interface WebhookSenderOptions {
  url: string | undefined;
  appSecret: string;
  /** Waits before the retries; one retry per entry. */
  retryDelaysMs: readonly number[];
  /** Per-attempt timeout. */
  timeoutMs: number;
  state: SandboxState;
  log: (line: string) => void;
}

export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  get url(): string | undefined {
    return this.options.url;
  }

  /** POSTs the payload until the receiver answers 2xx or the retries run out (or the scheduler stops). */
  async deliver(kind: WebhookKind, payload: WebhookPayload, scheduler: Scheduler): Promise<DeliveryResult> {
    const { url, appSecret, retryDelaysMs, timeoutMs, state, log } = this.options;
    if (!url) return { delivered: false, skipped: 'no webhookUrl', attempts: [] };
    const body = JSON.stringify(payload);
    const signature = signBody(body, appSecret);
    const deliveryId = state.nextDeliveryId();
    const attempts: WebhookAttempt[] = [];
    for (let attempt = 1; attempt <= retryDelaysMs.length + 1; attempt += 1) {
      if (scheduler.stopped) break;
      const record: WebhookAttempt = {
        delivery_id: deliveryId,
        kind,
        attempt,
        url,
        body,
        signature,
        at: new Date().toISOString(),
        ok: false,
      };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
          body,
          signal: AbortSignal.any([scheduler.signal, AbortSignal.timeout(timeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
        record.ok = response.ok;
      } catch (error) {
        record.error = describeError(error);
      }
      attempts.push(record);
      state.logWebhook(record);
      log(
        `webhook ${kind} #${deliveryId} attempt ${attempt} → ${url}: ${record.status ?? record.error ?? 'no answer'}`,
      );
      if (record.ok) return { delivered: true, attempts };
      const delay = retryDelaysMs[attempt - 1];
      if (delay === undefined || !(await scheduler.sleep(delay))) break;
    }
    return { delivered: false, attempts };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = cause instanceof Error ? (cause as Error & { code?: string }).code : undefined;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
