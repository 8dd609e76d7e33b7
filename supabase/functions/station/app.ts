/**
 * The `station` function, for the station PWA: the caller's station only. Every rule
 * (exactly once, capture-time judgement, guessing defence) is in SQL; this layer checks
 * the request against its contract, verifies QR tokens and maps answers to HTTP.
 */
import {
  ZHistoryQuery,
  ZHistoryResponse,
  ZLookupRequest,
  ZLookupResponse,
  ZRedeemRequest,
  ZRedemption,
  ZStationConfig,
  ZSyncRequest,
  ZSyncResponse,
  type TSyncResponse,
} from '../../../packages/contracts/src/station/station.ts';
import { createFunctionApp } from '../_shared/app.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { fromDatabase, UserError } from '../_shared/errors.ts';
import { jsonBody, queryParams } from '../_shared/request.ts';
import { voucherPublicJwk } from '../_shared/voucher-keys.ts';
import { lookup, redeem, refusalError } from './redeem.ts';

export const app = createFunctionApp('station');

app.get('/config', async (c) => {
  const caller = await authenticateUser(c.req.raw);
  const [row] = await asCaller(caller, (tx) => tx<{ config: object }[]>`select app.station_config() as config`);
  return c.json(ZStationConfig.parse({ ...row?.config, qr_public_key: voucherPublicJwk() }));
});

app.post('/lookup', async (c) => {
  const caller = await authenticateUser(c.req.raw);
  const answer = await lookup(caller, await jsonBody(c, ZLookupRequest));
  if (!answer.ok) throw refusalError(answer.error);
  return c.json(ZLookupResponse.parse(answer.voucher));
});

app.post('/redeem', async (c) => {
  const caller = await authenticateUser(c.req.raw);
  const answer = await redeem(caller, await jsonBody(c, ZRedeemRequest));
  if (!answer.ok) throw refusalError(answer.error);
  return c.json(ZRedemption.parse(answer.redemption));
});

/** An offline outbox, oldest first: each row is judged on its own, one answer per row. */
app.post('/sync', async (c) => {
  const caller = await authenticateUser(c.req.raw);
  const { rows } = await jsonBody(c, ZSyncRequest);
  // One refusal for the whole batch when the account operates no station.
  await asCaller(caller, (tx) => tx`select app.require_station()`);
  const results: TSyncResponse['results'] = [];
  for (const raw of rows) {
    const key = (raw as { idempotency_key?: unknown } | null)?.idempotency_key;
    const idempotencyKey = typeof key === 'string' ? key : null;
    const parsed = ZRedeemRequest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue ? `${issue.path.join('.') || 'row'}: ${issue.message}` : 'not a redemption';
      results.push({ idempotency_key: idempotencyKey, ok: false, error: { code: 'invalid_request', message } });
      continue;
    }
    try {
      const answer = await redeem(caller, parsed.data);
      results.push(
        answer.ok
          ? { idempotency_key: parsed.data.idempotency_key, ok: true, redemption: ZRedemption.parse(answer.redemption) }
          : { idempotency_key: parsed.data.idempotency_key, ok: false, error: answer.error },
      );
    } catch (error) {
      const known = error instanceof UserError ? error : fromDatabase(error);
      if (!known) throw error;
      results.push({
        idempotency_key: parsed.data.idempotency_key,
        ok: false,
        error: { code: known.code, message: known.message },
      });
    }
  }
  return c.json(ZSyncResponse.parse({ results }));
});

app.get('/history', async (c) => {
  const caller = await authenticateUser(c.req.raw);
  const query = queryParams(c, ZHistoryQuery);
  const items = await asCaller(
    caller,
    (tx) => tx`
      select idempotency_key, code5, result_code, (result #>> '{redemption,amount}')::float8 as amount,
             captured_at, received_at, offline
        from app.station_history(${query.limit}, ${query.before ?? null})`,
  );
  return c.json(
    ZHistoryResponse.parse({
      items: items.map((r) => ({
        ...r,
        captured_at: new Date(r.captured_at).toISOString(),
        received_at: new Date(r.received_at).toISOString(),
      })),
    }),
  );
});
