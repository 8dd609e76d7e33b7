/**
 * The `whatsapp-webhook` function: Meta's subscription handshake (GET) and the signed
 * callbacks (POST). Deployed with verify_jwt = false (Meta sends no Supabase JWT); the
 * X-Hub-Signature-256 check is the authentication. Status callbacks for voucher cards
 * are recorded on the voucher; campaign targets and inbound replies (STOP) are the
 * campaign work's (they are counted, not yet acted on).
 */
import { ZWebhookAck, ZWebhookPayload } from '../../../packages/contracts/src/whatsapp/webhook.ts';
import { createFunctionApp } from '../_shared/app.ts';
import { serviceCaller } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { UserError } from '../_shared/errors.ts';
import { verifyHubSignature } from '../_shared/hub-signature.ts';
import { parseRequest, rawBody } from '../_shared/request.ts';

export const app = createFunctionApp('whatsapp-webhook');

const MAX_BODY_BYTES = 1_000_000;
const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

app.get('/', (c) => {
  const mode = c.req.query('hub.mode');
  const token = c.req.query('hub.verify_token');
  const challenge = c.req.query('hub.challenge');
  if (mode !== 'subscribe' || !challenge) throw new UserError('invalid_request', 'Not a subscription handshake');
  if (token !== requireEnv('WHATSAPP_VERIFY_TOKEN'))
    throw new UserError('forbidden', 'The verify token does not match');
  return c.text(challenge);
});

app.post('/', async (c) => {
  const raw = await rawBody(c, MAX_BODY_BYTES);
  if (!(await verifyHubSignature(raw, c.req.header('x-hub-signature-256'), requireEnv('WHATSAPP_APP_SECRET')))) {
    throw new UserError('unauthorized', 'The X-Hub-Signature-256 signature does not match the body');
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new UserError('invalid_request', 'The body must be JSON');
  }
  const payload = parseRequest(ZWebhookPayload, json);
  const values = payload.entry.flatMap((e) => e.changes.map((change) => change.value));
  const statuses = values.flatMap((v) => v.statuses ?? []).filter((s) => STATUSES.has(s.status));
  const messages = values.flatMap((v) => v.messages ?? []);
  let recorded = 0;
  if (statuses.length > 0) {
    await asCaller(serviceCaller(), async (tx) => {
      for (const status of statuses) {
        const failure = status.errors?.[0] ?? null;
        const [row] = await tx<{ recorded: boolean }[]>`
          select app.record_voucher_message_status(${status.id}, ${status.status},
                   to_timestamp(${Number(status.timestamp)}), ${failure === null ? null : tx.json(failure as never)}) as recorded`;
        if (row?.recorded) recorded += 1;
      }
    });
  }
  return c.json(ZWebhookAck.parse({ statuses: statuses.length, recorded, messages: messages.length }));
});
