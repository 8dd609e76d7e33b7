/**
 * Everything the sandbox remembers, in memory: accepted messages and their status history,
 * inbound replies, marketing preferences, the raw request log, webhook delivery attempts, failure rules, the
 * throughput cap and downloaded media. Phone numbers are keyed by their digits (the wa_id),
 * so '+250788000001' and '250788000001' are the same recipient.
 */
import type { DeliveryErrorCode } from './graph-errors.ts';
import { newConversationId } from './ids.ts';
import type { TemplateComponent } from './schema.ts';

export const MESSAGE_STATUSES = ['accepted', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface MessageError {
  code: number;
  title: string;
  details: string;
}

/** An outbound message the API accepted (HTTP 200). */
export interface SandboxMessage {
  id: string;
  /** `to` exactly as the request gave it. */
  to: string;
  wa_id: string;
  type: 'text' | 'image' | 'template';
  /** From the send request; echoed in every status webhook of the message. */
  biz_opaque_callback_data?: string;
  /** ISO time the request arrived. */
  received_at: string;
  text?: { body: string; preview_url?: boolean };
  image?: { link?: string; id?: string; caption?: string; media_id?: string };
  template?: {
    name: string;
    language: string;
    components: TemplateComponent[];
    /** The body with its parameters substituted, when `templates` knows the template. */
    rendered_body?: string;
    /** The header image, when the template has one: its link or id, and our media id once downloaded. */
    header_image?: { link?: string; id?: string; media_id?: string };
  };
  status: MessageStatus;
  /** Every status the message went through, with ISO times. */
  history: { status: MessageStatus; at: string }[];
  error?: MessageError;
}

/** A reply typed by a recipient (sent with `POST /_sandbox/inbound` or the inbox form). */
export interface InboundMessage {
  id: string;
  from: string;
  wa_id: string;
  name: string;
  text: string;
  received_at: string;
}

/** A recipient stopping or resuming marketing messages (`POST /_sandbox/user-preferences` or the inbox). */
export interface UserPreference {
  wa_id: string;
  value: 'stop' | 'resume';
  detail: string;
  at: string;
}

/** One call to the send endpoint, successful or not. */
export interface RequestRecord {
  at: string;
  method: string;
  path: string;
  http_status: number;
  to?: string;
  type?: string;
  message_id?: string;
  error_code?: number;
  error_details?: string;
}

export type WebhookKind = 'status' | 'inbound' | 'user_preferences';

/** One webhook POST attempt. */
export interface WebhookAttempt {
  /** Shared by the attempts that carry the same payload. */
  delivery_id: number;
  kind: WebhookKind;
  attempt: number;
  url: string;
  /** The exact raw body that was signed and sent. */
  body: string;
  signature: string;
  at: string;
  ok: boolean;
  /** HTTP status of the receiver's answer, when it answered. */
  status?: number;
  /** Network error, when it did not. */
  error?: string;
}

export interface FailureRule {
  wa_id: string;
  code: DeliveryErrorCode;
  /** Sends still to fail; null = until cleared. */
  remaining: number | null;
  async: boolean;
}

export interface StoredMedia {
  id: string;
  bytes: Uint8Array<ArrayBuffer>;
  content_type: string;
  source_url: string;
}

export interface Conversation {
  wa_id: string;
  outbound: number;
  inbound: number;
  last_at: string;
}

const MINUTE_MS = 60_000;
const CONVERSATION_MS = 24 * 60 * 60 * 1000;

export class SandboxState {
  readonly messages: SandboxMessage[] = [];
  readonly inbound: InboundMessage[] = [];
  readonly preferences: UserPreference[] = [];
  readonly requests: RequestRecord[] = [];
  readonly webhooks: WebhookAttempt[] = [];
  readonly failures: FailureRule[] = [];
  readonly media = new Map<string, StoredMedia>();
  /** Sends allowed per rolling minute; null = no cap. */
  rateLimitPerMinute: number | null = null;
  readonly #sendTimes: number[] = [];
  readonly #conversations = new Map<string, { id: string; expires: number }>();
  #deliveryCounter = 0;

  // ── messages ────────────────────────────────────────────────────────────────
  addMessage(message: SandboxMessage): void {
    this.messages.push(message);
  }

  findMessage(id: string): SandboxMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  /** Outbound messages in arrival order; only one recipient's when `waId` is given. */
  messagesTo(waId?: string): SandboxMessage[] {
    return waId === undefined ? [...this.messages] : this.messages.filter((m) => m.wa_id === waId);
  }

  setStatus(message: SandboxMessage, status: MessageStatus, error?: MessageError): void {
    message.status = status;
    message.history.push({ status, at: new Date().toISOString() });
    if (error) message.error = error;
  }

  addInbound(message: InboundMessage): void {
    this.inbound.push(message);
  }

  inboundFrom(waId?: string): InboundMessage[] {
    return waId === undefined ? [...this.inbound] : this.inbound.filter((m) => m.wa_id === waId);
  }

  addPreference(preference: UserPreference): void {
    this.preferences.push(preference);
  }

  preferencesOf(waId?: string): UserPreference[] {
    return waId === undefined ? [...this.preferences] : this.preferences.filter((p) => p.wa_id === waId);
  }

  /** One row per phone number that sent, received or set anything, most recent first. */
  conversations(): Conversation[] {
    const rows = new Map<string, Conversation>();
    const touch = (waId: string, at: string, direction?: 'outbound' | 'inbound') => {
      const row = rows.get(waId) ?? { wa_id: waId, outbound: 0, inbound: 0, last_at: at };
      if (direction) row[direction] += 1;
      if (at > row.last_at) row.last_at = at;
      rows.set(waId, row);
    };
    for (const m of this.messages) touch(m.wa_id, m.received_at, 'outbound');
    for (const m of this.inbound) touch(m.wa_id, m.received_at, 'inbound');
    for (const p of this.preferences) touch(p.wa_id, p.at);
    return [...rows.values()].sort((a, b) => (a.last_at < b.last_at ? 1 : a.last_at > b.last_at ? -1 : 0));
  }

  /** The open conversation (24 h) for a recipient and pricing category, or a new one. */
  conversationFor(waId: string, category: string, now = Date.now()): { id: string; expires: number } {
    const key = `${waId}:${category}`;
    const open = this.#conversations.get(key);
    if (open && open.expires > now) return open;
    const fresh = { id: newConversationId(), expires: now + CONVERSATION_MS };
    this.#conversations.set(key, fresh);
    return fresh;
  }

  // ── request and webhook logs ────────────────────────────────────────────────
  addRequest(record: RequestRecord): void {
    this.requests.push(record);
  }

  nextDeliveryId(): number {
    this.#deliveryCounter += 1;
    return this.#deliveryCounter;
  }

  logWebhook(attempt: WebhookAttempt): void {
    this.webhooks.push(attempt);
  }

  // ── failure knobs ───────────────────────────────────────────────────────────
  addFailure(rule: FailureRule): void {
    this.failures.push(rule);
  }

  /** The first rule for this recipient, counted down; exhausted rules are dropped. */
  takeFailure(waId: string): FailureRule | undefined {
    const index = this.failures.findIndex((rule) => rule.wa_id === waId);
    const rule = this.failures[index];
    if (!rule) return undefined;
    if (rule.remaining !== null) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.failures.splice(index, 1);
    }
    return { ...rule };
  }

  // ── throughput cap ──────────────────────────────────────────────────────────
  /**
   * Counts a send against the rolling one-minute window; false (and not counted) when the
   * cap is already reached.
   */
  admitSend(now = Date.now()): boolean {
    while (this.#sendTimes.length > 0 && (this.#sendTimes[0] ?? now) <= now - MINUTE_MS) this.#sendTimes.shift();
    if (this.rateLimitPerMinute !== null && this.#sendTimes.length >= this.rateLimitPerMinute) return false;
    this.#sendTimes.push(now);
    return true;
  }

  // ── media ───────────────────────────────────────────────────────────────────
  putMedia(media: StoredMedia): void {
    this.media.set(media.id, media);
  }

  getMedia(id: string): StoredMedia | undefined {
    return this.media.get(id);
  }

  // ── clearing ────────────────────────────────────────────────────────────────
  clearMessages(): void {
    this.messages.length = 0;
    this.inbound.length = 0;
    this.preferences.length = 0;
    this.media.clear();
    this.#conversations.clear();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  clearWebhooks(): void {
    this.webhooks.length = 0;
  }

  clearFailures(): void {
    this.failures.length = 0;
  }

  clearRateLimit(): void {
    this.rateLimitPerMinute = null;
    this.#sendTimes.length = 0;
  }

  /** Back to a fresh sandbox. */
  reset(): void {
    this.clearMessages();
    this.clearRequests();
    this.clearWebhooks();
    this.clearFailures();
    this.clearRateLimit();
  }
}
