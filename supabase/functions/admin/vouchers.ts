/**
 * Voucher routes of the admin panel. Who may do what is RLS's call (every query runs as
 * the caller); the role checks here only turn "RLS showed you nothing" into a clear 403.
 *
 *   POST /vouchers                 issue one (super_admin, data_ops)
 *   POST /vouchers/bulk            CSV dry run, or start a bulk job (super_admin, data_ops)
 *   GET  /vouchers/bulk/:id        a bulk job's progress
 *   GET  /vouchers                 list: filters, sort, keyset pages, totals (all admins)
 *   GET  /vouchers/export.csv      the same filter as CSV, streamed with a cursor
 *   GET  /vouchers/:id             detail: timeline, audit rows, card and QR URLs
 *   POST /vouchers/:id/void        void with a reason (super_admin, data_ops)
 *   POST /vouchers/:id/resend      send the card again (super_admin, data_ops)
 */
import type { Context, Hono } from 'hono';
import { ZUuid } from '../../../packages/contracts/src/fields.ts';
import { ZBulkDryRunResponse, ZBulkIssueRequest, ZBulkJob } from '../../../packages/contracts/src/vouchers/bulk.ts';
import { ZIssueVoucherRequest, ZIssueVoucherResponse } from '../../../packages/contracts/src/vouchers/issue.ts';
import {
  ZListVouchersQuery,
  ZListVouchersResponse,
  ZVoucherDetail,
  ZVoucherFilter,
} from '../../../packages/contracts/src/vouchers/list.ts';
import {
  ZResendVoucherResponse,
  ZVoidVoucherRequest,
  ZVoidVoucherResponse,
} from '../../../packages/contracts/src/vouchers/manage.ts';
import type { TDelivery } from '../../../packages/contracts/src/vouchers/voucher.ts';
import { checkVoucherCsv } from '../../../packages/domain/src/voucher-csv.ts';
import { authenticateUser, type Caller } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody, queryParams, rawBody } from '../_shared/request.ts';
import { ISSUERS, requireRole } from '../_shared/roles.ts';
import { signedUrl } from '../_shared/storage.ts';
import {
  CARD_BUCKET,
  cardName,
  QR_BUCKET,
  qrName,
  recordVoucherImages,
  storeVoucherImages,
} from '../_shared/voucher-card.ts';
import { deliverVoucher } from '../_shared/voucher-delivery.ts';
import { exportVouchersCsv, listVouchers, loadVoucher } from './voucher-queries.ts';

function voucherId(value: string): string {
  const parsed = ZUuid.safeParse(value);
  if (!parsed.success) throw new UserError('not_found', 'No voucher with this id');
  return parsed.data;
}

/** A POST that takes no body: nothing, or `{}` (what some clients send). */
async function noBody(c: Context): Promise<void> {
  const text = new TextDecoder().decode(await rawBody(c, 1024)).trim();
  if (text !== '' && text !== '{}') throw new UserError('invalid_request', 'This route takes no body');
}

async function bulkProgress(tx: Tx, id: string) {
  const [row] = await tx<{ progress: unknown }[]>`select app.bulk_job_progress(${id}) as progress`;
  if (!row?.progress) throw new UserError('not_found', 'No bulk job with this id');
  return ZBulkJob.parse(row.progress);
}

/** Card and QR links for the detail page; the images are made on first view if the voucher has none. */
async function imageUrls(caller: Caller, id: string): Promise<{ card_url: string | null; qr_url: string | null }> {
  const voucher = await loadVoucher(caller, id);
  let made = Boolean(voucher.png_url && voucher.qr_url);
  if (!made && (voucher.status === 'issued' || voucher.status === 'sent')) {
    const mayIssue = await asCaller(caller, (tx) => tx<{ ok: boolean }[]>`select app.has_any_role(${ISSUERS}) as ok`);
    if (mayIssue[0]?.ok) {
      const names = await storeVoucherImages(caller, voucher);
      await asCaller(caller, (tx) => recordVoucherImages(tx, id, names));
      made = true;
    }
  }
  if (!made) return { card_url: null, qr_url: null };
  // Names come from the id, never from the row (see voucher-card.ts).
  const [cardUrl, qrUrl] = await Promise.all([
    signedUrl(caller, CARD_BUCKET, cardName(id), 3600),
    signedUrl(caller, QR_BUCKET, qrName(id), 3600),
  ]);
  return { card_url: cardUrl, qr_url: qrUrl };
}

export function voucherRoutes(app: Hono): void {
  app.post('/vouchers', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const request = await jsonBody(c, ZIssueVoucherRequest);
    const id = await asCaller(caller, async (tx) => {
      await requireRole(tx, ISSUERS);
      let driver = request.user_id;
      if (request.msisdn !== undefined) {
        await tx`insert into public.users (msisdn) values (${request.msisdn}) on conflict (msisdn) do nothing`;
        [{ id: driver }] = await tx<{ id: string }[]>`select id from public.users where msisdn = ${request.msisdn}`;
      } else {
        const found = await tx`select 1 from public.users where id = ${driver ?? null}`;
        if (found.length === 0) throw new UserError('invalid_request', 'No driver has this user_id');
      }
      if (request.station_scope) {
        const [station] = await tx<
          { status: string }[]
        >`select status from public.stations where id = ${request.station_scope}`;
        if (!station) throw new UserError('invalid_request', 'No station has this id');
        if (station.status !== 'active') throw new UserError('invalid_request', 'This station is inactive');
      }
      const metadata = request.note ? { note: request.note } : {};
      const [inserted] = await tx<{ id: string }[]>`
        insert into public.vouchers (user_id, amount, currency, station_scope, campaign_id, expires_at, metadata)
        values (${driver ?? null}, ${request.amount}, ${request.currency}, ${request.station_scope}, ${request.campaign_id},
                ${request.expires_at}, ${tx.json(metadata)})
        returning id`;
      if (!inserted) throw new Error('the voucher insert returned nothing');
      return inserted.id;
    });
    const delivery: TDelivery = request.send
      ? await deliverVoucher(caller, id)
      : { status: 'skipped', reason: 'not_requested' };
    return c.json(ZIssueVoucherResponse.parse({ voucher: await loadVoucher(caller, id), delivery }), 201);
  });

  app.post('/vouchers/bulk', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const request = await jsonBody(c, ZBulkIssueRequest);
    return asCaller(caller, async (tx) => {
      await requireRole(tx, ISSUERS);
      const stations = await tx<{ engencode: string; id: string }[]>`
        select engencode, id from public.stations where status = 'active'`;
      const checked = checkVoucherCsv(request.csv, { stations: new Map(stations.map((s) => [s.engencode, s.id])) });
      if (request.dry_run) {
        return c.json(
          ZBulkDryRunResponse.parse({ rows: checked.records, valid: checked.rows.length, errors: checked.problems }),
        );
      }
      if (checked.problems.length > 0) {
        throw new UserError(
          'invalid_request',
          `The CSV has ${checked.problems.length} problem(s); nothing was issued. Fix them and upload again.`,
          { errors: checked.problems },
        );
      }
      const [job] = await tx<{ id: string }[]>`
        insert into public.voucher_bulk_jobs (campaign_id, send, rows, total)
        values (${request.campaign_id}, ${request.send}, ${tx.json(checked.rows as never)}, ${checked.rows.length})
        returning id`;
      if (!job) throw new Error('the bulk job insert returned nothing');
      return c.json(await bulkProgress(tx, job.id), 202);
    });
  });

  app.get('/vouchers/bulk/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const parsed = ZUuid.safeParse(c.req.param('id'));
    if (!parsed.success) throw new UserError('not_found', 'No bulk job with this id');
    return c.json(
      await asCaller(caller, async (tx) => {
        await requireRole(tx, ISSUERS);
        return bulkProgress(tx, parsed.data);
      }),
    );
  });

  app.get('/vouchers', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const query = queryParams(c, ZListVouchersQuery);
    const page = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      return listVouchers(tx, query);
    });
    return c.json(ZListVouchersResponse.parse(page));
  });

  app.get('/vouchers/export.csv', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const filter = queryParams(c, ZVoucherFilter);
    // Refuse before the first byte: once streaming has begun the status is 200.
    await asCaller(caller, (tx) => requireRole(tx, 'any admin'));
    const day = new Date().toISOString().slice(0, 10);
    return new Response(exportVouchersCsv(caller, filter), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="vouchers-${day}.csv"`,
        'cache-control': 'no-store',
      },
    });
  });

  app.get('/vouchers/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = voucherId(c.req.param('id'));
    const { events, audit } = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const events = await tx`
        select id, event_type, actor_id, station_id, context, created_at
          from public.voucher_events where voucher_id = ${id} order by created_at, id`;
      const audit = await tx`
        select seq, actor_id, actor_kind, action, diff, created_at
          from public.audit_log where target_table = 'vouchers' and target_id = ${id}
         order by seq nulls last, stage`;
      return { events, audit };
    });
    const voucher = await loadVoucher(caller, id);
    const iso = (row: { created_at: Date }) => ({ ...row, created_at: row.created_at.toISOString() });
    return c.json(
      ZVoucherDetail.parse({
        voucher,
        events: events.map((e) => iso(e as never)),
        audit: audit.map((a) => ({ ...iso(a as never), seq: a.seq === null ? null : Number(a.seq) })),
        ...(await imageUrls(caller, id)),
      }),
    );
  });

  app.post('/vouchers/:id/void', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = voucherId(c.req.param('id'));
    const { reason } = await jsonBody(c, ZVoidVoucherRequest);
    await asCaller(caller, async (tx) => {
      await requireRole(tx, ISSUERS);
      const [voucher] = await tx<{ status: string }[]>`select status from public.vouchers where id = ${id} for update`;
      if (!voucher) throw new UserError('not_found', 'No voucher with this id');
      if (voucher.status === 'void') throw new UserError('void', 'This voucher is already void');
      if (voucher.status === 'redeemed') throw new UserError('already_redeemed', 'A redeemed voucher cannot be voided');
      if (voucher.status === 'expired') throw new UserError('expired', 'An expired voucher cannot be voided');
      await tx`select app.set_voucher_event_context(${tx.json({ reason })})`;
      await tx`
        update public.vouchers
           set status = 'void', metadata = coalesce(metadata, '{}'::jsonb) || ${tx.json({ void_reason: reason })}
         where id = ${id}`;
    });
    return c.json(ZVoidVoucherResponse.parse({ voucher: await loadVoucher(caller, id) }));
  });

  app.post('/vouchers/:id/resend', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = voucherId(c.req.param('id'));
    await noBody(c);
    await asCaller(caller, (tx) => requireRole(tx, ISSUERS));
    const delivery = await deliverVoucher(caller, id, { resend: true });
    return c.json(ZResendVoucherResponse.parse({ voucher: await loadVoucher(caller, id), delivery }));
  });
}
