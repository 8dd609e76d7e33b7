/**
 * WhatsApp campaigns, as the caller (RLS: every admin reads campaigns; super admins and
 * support create and run them and alone read targets). Sending is the scheduler's
 * dispatcher's job: these routes only change what it will find.
 *
 *   GET    /campaigns                          list (any admin): ?status=, ?q= part of the name
 *   POST   /campaigns                          create a draft (super_admin, support); 201
 *   GET    /campaigns/:id                      one campaign with its progress (any admin)
 *   PATCH  /campaigns/:id                      edit a draft (super_admin, support)
 *   DELETE /campaigns/:id                      delete a draft, targets and all (super_admin, support); 204
 *   POST   /campaigns/:id/targets/import       check (dry_run) or import a targets CSV (super_admin, support)
 *   GET    /campaigns/:id/targets              targets, newest activity first, keyset pages (super_admin, support)
 *   POST   /campaigns/:id/targets/retry        failed targets back to the queue (super_admin, support)
 *   GET    /campaigns/:id/estimate             pre-flight: pending targets per country, duration (super_admin, support)
 *   POST   /campaigns/:id/{start,pause,resume,finish}   the campaign machine (super_admin, support)
 *
 * A wrong state is a 409 `conflict` naming the campaign's status (`details.status`).
 */
import type { Context, Hono } from 'hono';
import {
  VOUCHER_CAMPAIGN_VARIABLES,
  ZCampaign,
  ZCampaignEstimate,
  ZCampaignOptions,
  ZCreateCampaignRequest,
  ZImportTargetsRequest,
  ZImportTargetsResponse,
  ZListCampaignsQuery,
  ZListCampaignsResponse,
  ZListTargetsQuery,
  ZListTargetsResponse,
  ZRetryTargetsRequest,
  ZRetryTargetsResponse,
  ZUpdateCampaignRequest,
  type TCampaign,
  type TCampaignAction,
  type TCampaignOptions,
  type TCampaignTarget,
  type TTargetRejection,
} from '../../../packages/contracts/src/admin/campaigns.ts';
import {
  ZQuietHoursSetting,
  ZSendThrottleSetting,
  ZTemplatesSetting,
  type TMessageTemplate,
} from '../../../packages/contracts/src/settings/settings.ts';
import { checkCampaignCsv, countTargetsByCountry } from '../../../packages/domain/src/campaign-csv.ts';
import { estimateCampaign } from '../../../packages/domain/src/campaign-estimate.ts';
import { countryOf } from '../../../packages/domain/src/msisdn.ts';
import type { AdminRole } from '../../../packages/domain/src/roles.ts';
import {
  CAMPAIGN_TARGET_STATUSES,
  type CampaignStatus,
  type CampaignTargetStatus,
} from '../../../packages/domain/src/state-machines.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody, queryParams, rawBody, uuidParam } from '../_shared/request.ts';
import { requireRole } from '../_shared/roles.ts';
import { decodeCursor, encodeCursor, TIMESTAMPTZ_TEXT } from './cursor.ts';
import { directory, iso, isoOrNull } from './directory.ts';

/** Who creates and runs campaigns, and reads their targets (the targets policy). */
const RUNNERS: AdminRole[] = ['super_admin', 'support'];
const NOT_FOUND = 'No campaign with this id';
/** The import reads a CSV of up to 5 MB (the contract's limit), so its JSON body may be larger than other routes'. */
const IMPORT_MAX_BYTES = 6_000_000;
const SAMPLE_SIZE = 20;

interface CampaignRow {
  id: string;
  name: string;
  type: TCampaign['type'];
  template_id: string;
  status: CampaignStatus;
  metadata: Record<string, unknown> | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  targets: number;
  by_status: Partial<Record<CampaignTargetStatus, number>> | null;
}

/** campaigns.metadata as options (other keys, e.g. from the legacy mirror, are not options). */
function optionsOf(metadata: Record<string, unknown> | null): TCampaignOptions {
  const { quiet_hours = null, throttle_bucket = 'whatsapp', voucher = null } = metadata ?? {};
  return ZCampaignOptions.parse({ quiet_hours, throttle_bucket, voucher });
}

/** Every target status, 0 when none. */
function progressOf(byStatus: Partial<Record<CampaignTargetStatus, number>>): Record<CampaignTargetStatus, number> {
  return Object.fromEntries(CAMPAIGN_TARGET_STATUSES.map((s) => [s, byStatus[s] ?? 0])) as Record<
    CampaignTargetStatus,
    number
  >;
}

/**
 * Campaigns with their targets counted per status, as the caller: roles that may not read
 * targets count none, and get progress null rather than a breakdown of zeros.
 */
function selectCampaigns(tx: Tx, where: ReturnType<Tx>) {
  return tx<CampaignRow[]>`
    select c.id, c.name, c.type, c.template_id, c.status, c.metadata, c.created_by, c.created_at,
           c.started_at, c.finished_at, c.updated_at, coalesce(t.total, 0) as targets,
           case when app.may_read_campaign_targets() then coalesce(t.by_status, '{}'::jsonb) end as by_status
      from public.campaigns c
      left join lateral (
        select sum(s.n)::int as total, jsonb_object_agg(s.status, s.n) as by_status
          from (select ct.status, count(*)::int as n from public.campaign_targets ct
                 where ct.campaign_id = c.id group by ct.status) s
      ) t on true
     where ${where}
     order by c.created_at desc, c.id desc`;
}

async function toCampaigns(tx: Tx, rows: CampaignRow[]): Promise<TCampaign[]> {
  const people = await directory(
    tx,
    rows.map((r) => r.created_by),
  );
  return rows.map((row) =>
    ZCampaign.parse({
      id: row.id,
      name: row.name,
      type: row.type,
      template_id: row.template_id,
      status: row.status,
      options: optionsOf(row.metadata),
      created_by: row.created_by,
      created_by_email: row.created_by ? (people.get(row.created_by)?.email ?? null) : null,
      created_at: iso(row.created_at),
      started_at: isoOrNull(row.started_at),
      finished_at: isoOrNull(row.finished_at),
      updated_at: iso(row.updated_at),
      targets: row.targets,
      progress: row.by_status === null ? null : progressOf(row.by_status),
    }),
  );
}

async function loadCampaign(tx: Tx, id: string): Promise<TCampaign> {
  const [campaign] = await toCampaigns(tx, await selectCampaigns(tx, tx`c.id = ${id}`));
  if (!campaign) throw new UserError('not_found', NOT_FOUND);
  return campaign;
}

interface LockedCampaign {
  status: CampaignStatus;
  type: TCampaign['type'];
  template_id: string;
  metadata: Record<string, unknown> | null;
}

/** The campaign's row, locked until the transaction ends: imports, edits and state changes of one campaign take turns. */
async function lockCampaign(tx: Tx, id: string): Promise<LockedCampaign> {
  const [row] = await tx<LockedCampaign[]>`
    select status, type, template_id, metadata from public.campaigns where id = ${id} for update`;
  if (!row) throw new UserError('not_found', NOT_FOUND);
  return row;
}

function wrongState(status: CampaignStatus, wanted: string): UserError {
  return new UserError('conflict', `The campaign is ${status}; ${wanted}`, { status });
}

async function templates(tx: Tx): Promise<TMessageTemplate[]> {
  const [row] = await tx<{ value: unknown }[]>`select value from public.settings where key = 'templates'`;
  return ZTemplatesSetting.parse(row?.value ?? []);
}

/** The template a request names, or a 400 on the field (the panel shows it under the select). */
async function requireTemplate(tx: Tx, id: string): Promise<TMessageTemplate> {
  const template = (await templates(tx)).find((t) => t.id === id);
  if (!template) {
    throw new UserError('invalid_request', 'The request is not valid', [
      { code: 'custom', path: ['template_id'], message: `no template "${id}" in settings.templates` },
    ]);
  }
  return template;
}

/** A campaign's template, which settings.templates may have lost since the campaign was made: 409. */
async function currentTemplate(tx: Tx, id: string): Promise<TMessageTemplate> {
  const template = (await templates(tx)).find((t) => t.id === id);
  if (!template) {
    throw new UserError(
      'conflict',
      `The campaign's template "${id}" is no longer in settings.templates; choose another template`,
    );
  }
  return template;
}

/** The variables each target's row must give: a voucher campaign fills in the voucher's own. */
function targetVariables(template: TMessageTemplate, type: TCampaign['type']): string[] {
  const own: readonly string[] = VOUCHER_CAMPAIGN_VARIABLES;
  return type === 'voucher' ? template.variables.filter((v) => !own.includes(v)) : template.variables;
}

/** A POST that takes no body: nothing, or `{}`. */
async function noBody(c: Context): Promise<void> {
  const text = new TextDecoder().decode(await rawBody(c, 1024)).trim();
  if (text !== '' && text !== '{}') throw new UserError('invalid_request', 'This route takes no body');
}

// ── Targets pages: newest activity first, keyset on (last_update_at, id) ────────────────
interface TargetRow extends Omit<TCampaignTarget, 'next_attempt_at' | 'sent_at' | 'last_update_at'> {
  next_attempt_at: Date | null;
  sent_at: Date | null;
  last_update_at: Date;
  sort_key: string;
}

const TRANSITIONS: Record<TCampaignAction, { from: CampaignStatus; to: CampaignStatus; wanted: string }> = {
  start: { from: 'draft', to: 'running', wanted: 'only a draft can be started' },
  pause: { from: 'running', to: 'paused', wanted: 'only a running campaign can be paused' },
  resume: { from: 'paused', to: 'running', wanted: 'only a paused campaign can be resumed' },
  finish: { from: 'running', to: 'done', wanted: 'only a running campaign can be finished' },
};

export function campaignRoutes(app: Hono): void {
  app.get('/campaigns', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const query = queryParams(c, ZListCampaignsQuery);
    const items = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : undefined;
      const rows = await selectCampaigns(
        tx,
        tx`true
          ${query.status ? tx`and c.status = ${query.status}` : tx``}
          ${pattern ? tx`and c.name ilike ${pattern}` : tx``}`,
      );
      return toCampaigns(tx, rows);
    });
    return c.json(ZListCampaignsResponse.parse({ items }));
  });

  app.post('/campaigns', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const request = await jsonBody(c, ZCreateCampaignRequest);
    const campaign = await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      await requireTemplate(tx, request.template_id);
      const options: TCampaignOptions = ZCampaignOptions.parse({
        quiet_hours: request.quiet_hours,
        voucher: request.voucher,
      });
      const [created] = await tx<{ id: string }[]>`
        insert into public.campaigns (name, type, template_id, metadata)
        values (${request.name}, ${request.type}, ${request.template_id}, ${tx.json(options as never)})
        returning id`;
      if (!created) throw new Error('the campaign insert returned nothing');
      return loadCampaign(tx, created.id);
    });
    return c.json(campaign, 201);
  });

  app.get('/campaigns/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    return c.json(
      await asCaller(caller, async (tx) => {
        await requireRole(tx, 'any admin');
        return loadCampaign(tx, id);
      }),
    );
  });

  app.patch('/campaigns/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const patch = await jsonBody(c, ZUpdateCampaignRequest);
    const campaign = await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      const current = await lockCampaign(tx, id);
      if (current.status !== 'draft') throw wrongState(current.status, 'only a draft can be changed');
      const before = optionsOf(current.metadata);
      const options: TCampaignOptions = {
        ...before,
        ...(patch.quiet_hours !== undefined ? { quiet_hours: patch.quiet_hours } : {}),
        ...(patch.voucher !== undefined ? { voucher: patch.voucher } : {}),
      };
      if ((current.type === 'voucher') !== (options.voucher !== null)) {
        throw new UserError('invalid_request', 'The request is not valid', [
          {
            code: 'custom',
            path: ['voucher'],
            message: 'a voucher campaign needs the voucher amount and expiry; a promo campaign has none',
          },
        ]);
      }
      if (patch.template_id !== undefined && patch.template_id !== current.template_id) {
        const template = await requireTemplate(tx, patch.template_id);
        // Targets imported for the old template must have a value for each of the new one's variables.
        const needed = targetVariables(template, current.type);
        const [lacking] = await tx<{ n: number }[]>`
          select count(*)::int as n from public.campaign_targets
           where campaign_id = ${id} and not (personalized_vars ?& ${needed}::text[])`;
        if (lacking && lacking.n > 0) {
          throw new UserError(
            'conflict',
            `${lacking.n} imported targets have no value for some of this template's variables (${needed.join(', ')}); delete the draft and import again with the new template`,
            { targets: lacking.n },
          );
        }
      }
      await tx`
        update public.campaigns set
          name = ${patch.name ?? tx`name`},
          template_id = ${patch.template_id ?? tx`template_id`},
          metadata = ${tx.json(options as never)}
         where id = ${id}`;
      return loadCampaign(tx, id);
    });
    return c.json(campaign);
  });

  app.delete('/campaigns/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      const current = await lockCampaign(tx, id);
      if (current.status !== 'draft') throw wrongState(current.status, 'only a draft can be deleted');
      await tx`delete from public.campaigns where id = ${id}`;
    });
    return c.body(null, 204);
  });

  app.post('/campaigns/:id/targets/import', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const request = await jsonBody(c, ZImportTargetsRequest, IMPORT_MAX_BYTES);
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      const campaign = await lockCampaign(tx, id);
      if (campaign.status !== 'draft' && campaign.status !== 'paused') {
        throw wrongState(campaign.status, 'targets can be imported only while it is a draft or paused');
      }
      const template = await currentTemplate(tx, campaign.template_id);
      const check = checkCampaignCsv(request.csv, {
        variables: targetVariables(template, campaign.type),
        defaultCountry: request.default_country,
      });
      if (check.problem) {
        if (!request.dry_run) {
          throw new UserError('invalid_request', `The file cannot be imported: ${check.problem.message}`, {
            problem: check.problem,
          });
        }
        return {
          dry_run: true,
          problem: check.problem,
          accepted: 0,
          opted_out: 0,
          rejected: [],
          by_country: {},
          sample: [],
        };
      }

      // Which numbers this campaign has already, and which opted out, in one statement.
      const numbers = check.targets.map((t) => t.msisdn);
      const known = await tx<{ msisdn: string; imported: boolean; opted_out: boolean }[]>`
        select n.msisdn,
               exists (select 1 from public.campaign_targets t where t.campaign_id = ${id} and t.msisdn = n.msisdn) as imported,
               app.is_opted_out(n.msisdn) as opted_out
          from unnest(${numbers}::text[]) as n (msisdn)`;
      const imported = new Set(known.filter((k) => k.imported).map((k) => k.msisdn));
      const optedOut = new Set(known.filter((k) => k.opted_out).map((k) => k.msisdn));
      const rejected: TTargetRejection[] = [...check.rejected];
      const accepted = check.targets.filter((target) => {
        if (!imported.has(target.msisdn)) return true;
        rejected.push({
          line: target.line,
          value: target.msisdn,
          code: 'already_imported',
          reason: 'already a target of this campaign',
        });
        return false;
      });
      rejected.sort((a, b) => a.line - b.line);

      if (!request.dry_run && accepted.length > 0) {
        // One statement for the whole file; the state machine starts every target queued.
        await tx`
          insert into public.campaign_targets (campaign_id, msisdn, personalized_vars)
          select ${id}, r.msisdn, r.vars
            from jsonb_to_recordset(${tx.json(accepted.map((t) => ({ msisdn: t.msisdn, vars: t.vars })) as never)})
                 as r (msisdn text, vars jsonb)`;
        const stopped = accepted.filter((t) => optedOut.has(t.msisdn)).map((t) => t.msisdn);
        if (stopped.length > 0) {
          await tx`
            update public.campaign_targets set status = 'opted_out'
             where campaign_id = ${id} and msisdn = any (${stopped}::text[]) and status = 'queued'`;
        }
      }
      return {
        dry_run: request.dry_run,
        problem: null,
        accepted: accepted.length,
        opted_out: accepted.filter((t) => optedOut.has(t.msisdn)).length,
        rejected,
        by_country: countTargetsByCountry(accepted),
        sample: accepted.slice(0, SAMPLE_SIZE).map((t) => ({
          line: t.line,
          msisdn: t.msisdn,
          vars: t.vars,
          opted_out: optedOut.has(t.msisdn),
        })),
      };
    });
    return c.json(ZImportTargetsResponse.parse(body));
  });

  app.get('/campaigns/:id/targets', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const query = queryParams(c, ZListTargetsQuery);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, TIMESTAMPTZ_TEXT);
    const rows = await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      const [campaign] = await tx`select 1 from public.campaigns where id = ${id}`;
      if (!campaign) throw new UserError('not_found', NOT_FOUND);
      return tx<TargetRow[]>`
        select t.id, t.msisdn, t.status, t.personalized_vars as vars, t.error_code, t.error_message, t.attempts,
               case when q.next_attempt_at > '-infinity' then q.next_attempt_at end as next_attempt_at,
               q.waiting_for, t.message_id, t.voucher_id, t.sent_at, t.last_update_at, t.last_update_at::text as sort_key
          from public.campaign_targets t
          left join public.campaign_send_queue q on q.target_id = t.id
         where t.campaign_id = ${id}
           ${query.status ? tx`and t.status = ${query.status}` : tx``}
           ${query.q ? tx`and strpos(t.msisdn, ${query.q}) > 0` : tx``}
           ${after ? tx`and (t.last_update_at, t.id) < (${after.key}::text::timestamptz, ${after.id}::text::uuid)` : tx``}
         order by t.last_update_at desc, t.id desc
         limit ${query.limit + 1}`;
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return c.json(
      ZListTargetsResponse.parse({
        items: page.map(({ sort_key: _, ...row }) => ({
          ...row,
          next_attempt_at: isoOrNull(row.next_attempt_at),
          sent_at: isoOrNull(row.sent_at),
          last_update_at: iso(row.last_update_at),
        })),
        next_cursor: rows.length > query.limit && last ? encodeCursor(last.sort_key, last.id) : null,
      }),
    );
  });

  app.post('/campaigns/:id/targets/retry', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const { target_ids } = await jsonBody(c, ZRetryTargetsRequest);
    const retried = await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      const campaign = await lockCampaign(tx, id);
      if (campaign.status !== 'running' && campaign.status !== 'paused') {
        throw wrongState(campaign.status, 'only a running or paused campaign’s targets can be retried');
      }
      // The function checks the role and the state again (and says why in its errors).
      const [row] = await tx<{ retried: number }[]>`
        select app.retry_failed_targets(${id}, ${target_ids ?? null}::uuid[]) as retried`;
      return row?.retried ?? 0;
    });
    return c.json(ZRetryTargetsResponse.parse({ retried }));
  });

  app.get('/campaigns/:id/estimate', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', NOT_FOUND);
    const { estimate, perMinute } = await asCaller(caller, async (tx) => {
      await requireRole(tx, RUNNERS);
      const [campaign] = await tx<{ status: CampaignStatus; metadata: Record<string, unknown> | null }[]>`
        select status, metadata from public.campaigns where id = ${id}`;
      if (!campaign) throw new UserError('not_found', NOT_FOUND);
      // A done campaign sends nothing more, whatever its targets' status.
      const prefixes =
        campaign.status === 'done'
          ? []
          : await tx<{ prefix: string; n: number }[]>`
              select left(msisdn, 4) as prefix, count(*)::int as n from public.campaign_targets
               where campaign_id = ${id} and status in ('queued', 'queued_throttled')
               group by 1`;
      const byCountry: Record<string, number> = {};
      for (const { prefix, n } of prefixes) {
        const country = countryOf(prefix)?.code ?? 'other';
        byCountry[country] = (byCountry[country] ?? 0) + n;
      }
      const settings = await tx<{ key: string; value: unknown }[]>`
        select key, value from public.settings where key in ('send_throttle', 'quiet_hours')`;
      const value = (key: string) => settings.find((s) => s.key === key)?.value;
      const perMinute = ZSendThrottleSetting.parse(value('send_throttle')).whatsapp.per_minute;
      const override = optionsOf(campaign.metadata).quiet_hours ?? undefined;
      return {
        perMinute,
        estimate: estimateCampaign({
          byCountry,
          perMinute,
          quietHours: ZQuietHoursSetting.parse(value('quiet_hours') ?? {}),
          override,
          start: new Date(),
        }),
      };
    });
    return c.json(
      ZCampaignEstimate.parse({
        pending: estimate.targets,
        per_minute: perMinute,
        by_country: estimate.byCountry.map((row) => ({
          country: row.country,
          targets: row.targets,
          time_zone: row.timeZone,
          quiet_hours: row.window,
        })),
        minutes: estimate.minutes,
        finishes_at: estimate.finishesAt ? estimate.finishesAt.toISOString() : null,
        quiet_minutes: estimate.quietMinutes,
      }),
    );
  });

  for (const action of Object.keys(TRANSITIONS) as TCampaignAction[]) {
    app.post(`/campaigns/:id/${action}`, async (c) => {
      const caller = await authenticateUser(c.req.raw);
      const id = uuidParam(c, 'id', NOT_FOUND);
      await noBody(c);
      const { from, to, wanted } = TRANSITIONS[action];
      const campaign = await asCaller(caller, async (tx) => {
        await requireRole(tx, RUNNERS);
        const current = await lockCampaign(tx, id);
        if (current.status !== from) {
          throw wrongState(
            current.status,
            current.status === 'paused' && action === 'finish' ? `${wanted} (resume it first)` : wanted,
          );
        }
        if (action === 'start') {
          await currentTemplate(tx, current.template_id);
          const [waiting] = await tx`
            select 1 from public.campaign_targets
             where campaign_id = ${id} and status in ('queued', 'queued_throttled') limit 1`;
          if (!waiting) {
            throw new UserError('conflict', 'The campaign has no targets waiting to be sent: import targets first', {
              status: current.status,
            });
          }
        }
        await tx`update public.campaigns set status = ${to} where id = ${id}`;
        return loadCampaign(tx, id);
      });
      return c.json(campaign);
    });
  }
}
