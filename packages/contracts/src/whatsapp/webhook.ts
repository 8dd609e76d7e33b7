/**
 * What the WhatsApp Cloud API posts to `whatsapp-webhook` (the parts we read; anything
 * else in the payload is ignored, as Meta adds fields over time).
 */
import { z } from 'zod';

export const ZWebhookStatus = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.string().regex(/^\d+$/),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number(), title: z.string().optional() }).loose()).optional(),
});

export const ZWebhookInboundMessage = z
  .object({ from: z.string(), id: z.string(), timestamp: z.string(), type: z.string() })
  .loose();

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
            })
            .loose(),
        }),
      ),
    }),
  ),
});
export type TWebhookPayload = z.infer<typeof ZWebhookPayload>;

export const ZWebhookAck = z.object({
  statuses: z.number().int(),
  recorded: z.number().int(),
  messages: z.number().int(),
});
