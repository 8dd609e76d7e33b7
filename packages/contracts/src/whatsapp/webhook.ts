/**
 * What the WhatsApp Cloud API posts to `whatsapp-webhook` (the parts we read; anything
 * else in the payload is ignored, as Meta adds fields over time), and how a reply is read
 * as an opt-out keyword.
 */
import { z } from 'zod';

const ZUnixSeconds = z.string().regex(/^\d+$/);

/** A WhatsApp user id: the number's digits, so `+<wa_id>` is the number in E.164. */
const ZWaId = z.string().regex(/^[1-9]\d{7,14}$/, 'a WhatsApp id: 8 to 15 digits, no +');

export const ZWebhookStatus = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: ZUnixSeconds,
  recipient_id: z.string().optional(),
  /** Echoed from the send request: campaign sends put the target id here. */
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(z.object({ code: z.number(), title: z.string().optional() }).loose()).optional(),
});
export type TWebhookStatus = z.infer<typeof ZWebhookStatus>;

export const ZWebhookInboundMessage = z
  .object({
    from: ZWaId,
    id: z.string(),
    timestamp: ZUnixSeconds,
    type: z.string(),
    text: z.object({ body: z.string() }).loose().optional(),
    /** A tap on a template's quick-reply button. */
    button: z.object({ text: z.string().optional(), payload: z.string().optional() }).loose().optional(),
    /** A tap on an interactive message's reply button (or another interactive reply). */
    interactive: z
      .object({ type: z.string(), button_reply: z.object({ id: z.string(), title: z.string() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();
export type TWebhookInboundMessage = z.infer<typeof ZWebhookInboundMessage>;

/** WhatsApp's marketing-preference notice: the user stopped or resumed marketing messages. */
export const ZWebhookUserPreference = z
  .object({
    wa_id: ZWaId,
    detail: z.string().optional(),
    category: z.string(),
    value: z.string(),
    // An integer in Meta's reference, where every other webhook timestamp is a string.
    timestamp: z.union([z.number().int().nonnegative(), ZUnixSeconds]),
  })
  .loose();
export type TWebhookUserPreference = z.infer<typeof ZWebhookUserPreference>;

export const ZWebhookPayload = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z
            .object({
              statuses: z.array(ZWebhookStatus).optional(),
              messages: z.array(ZWebhookInboundMessage).optional(),
              user_preferences: z.array(ZWebhookUserPreference).optional(),
            })
            .loose(),
        }),
      ),
    }),
  ),
});
export type TWebhookPayload = z.infer<typeof ZWebhookPayload>;

export const ZWebhookAck = z.object({
  /** Statuses of a kind we record (sent, delivered, read, failed). */
  statuses: z.number().int(),
  /** Those that moved a voucher card or a campaign target on. */
  recorded: z.number().int(),
  /** Inbound messages. */
  messages: z.number().int(),
  /** Numbers newly opted out (by a stop keyword or WhatsApp's marketing preference). */
  opt_outs: z.number().int(),
  /** Numbers taken off the opt-out table (by a resume keyword or preference). */
  opt_ins: z.number().int(),
});
export type TWebhookAck = z.infer<typeof ZWebhookAck>;

/** The texts of an inbound message that may be a keyword: a text's body, a button's text and payload, a reply button's title. */
export function replyTexts(message: TWebhookInboundMessage): string[] {
  switch (message.type) {
    case 'text':
      return message.text ? [message.text.body] : [];
    case 'button':
      return [message.button?.text, message.button?.payload].filter((text) => text !== undefined);
    case 'interactive':
      return message.interactive?.button_reply ? [message.interactive.button_reply.title] : [];
    default:
      return [];
  }
}

/** The shape of every opt-out keyword (as settings.opt_out_keywords stores them): a reply of another shape is none. */
export const KEYWORD = /^[A-Z0-9]{2,20}$/;

/** A reply as a keyword: trimmed, upper case, without surrounding punctuation or emoji (" Stop! 🛑" → "STOP"). */
export function keywordOf(text: string): string {
  return text
    .trim()
    .toUpperCase()
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}
