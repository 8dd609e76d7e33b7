/**
 * Programme settings and the opt-out list, as the caller (RLS: every admin reads settings;
 * only super admins change them). Values are checked against EDITABLE_SETTINGS[key] before
 * anything reaches the database; the audit trigger records every change with its diff.
 *
 *   GET  /settings              the editable settings, the opt-out count, who changed each and when (any admin)
 *   PUT  /settings/:key         replace one editable setting's value (super_admin); unknown keys are 404
 *   POST /opt-outs              add a number to the opt-out list (super_admin)
 *   POST /opt-outs/remove       take a number off the list (super_admin)
 *   POST /opt-outs/check        is this number opted out? (any admin)
 *
 * Opt-outs the admins add are stored only as app.msisdn_hash(e164) in
 * settings.opt_out_list, never as numbers. Adding and removing are single guarded UPDATEs
 * of that row: under READ COMMITTED a concurrent writer waits for the row and re-applies
 * its change to the committed value, so concurrent adds of different numbers all land.
 * Drivers' own STOPs land in public.opt_outs (the WhatsApp webhook); "opted out" and the
 * count cover both lists (app.is_opted_out), a number on both counted once.
 */
import type { Hono } from 'hono';
import {
  EDITABLE_SETTINGS,
  ZEditableSettingKey,
  ZOptOutRequest,
  ZOptOutResponse,
  ZPutSettingRequest,
  ZPutSettingResponse,
  ZSettingsResponse,
  type EditableSettingKey,
} from '../../../packages/contracts/src/settings/settings.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody } from '../_shared/request.ts';
import { requireRole } from '../_shared/roles.ts';
import { directory, iso } from './directory.ts';

interface SettingRow {
  key: string;
  value: unknown;
  updated_at: Date;
  updated_by: string | null;
}

const OPT_OUT_KEY = 'opt_out_list';

async function changesOf(tx: Tx, rows: SettingRow[]) {
  const people = await directory(
    tx,
    rows.map((r) => r.updated_by),
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.key,
      {
        updated_at: iso(r.updated_at),
        updated_by: r.updated_by,
        updated_by_email: r.updated_by ? (people.get(r.updated_by)?.email ?? null) : null,
      },
    ]),
  );
}

/** Whether one number is opted out (either list) and the count. */
async function optOutState(tx: Tx, msisdn: string): Promise<{ opted_out: boolean; count: number }> {
  const [row] = await tx<{ opted_out: boolean; count: number | null }[]>`
    select app.is_opted_out(${msisdn}) as opted_out, app.opt_out_count() as count`;
  if (!row || row.count === null) throw new Error('settings.opt_out_list is missing');
  return { opted_out: row.opted_out, count: row.count };
}

export function settingsRoutes(app: Hono): void {
  app.get('/settings', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const keys = [...Object.keys(EDITABLE_SETTINGS), OPT_OUT_KEY];
      const rows = await tx<SettingRow[]>`
        select key, value, updated_at, updated_by from public.settings where key = any (${keys}) order by key`;
      const values = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      const [count] = await tx<{ n: number | null }[]>`select app.opt_out_count() as n`;
      return {
        ...Object.fromEntries(Object.keys(EDITABLE_SETTINGS).map((key) => [key, values[key]])),
        opt_out_count: count?.n ?? 0,
        changes: await changesOf(tx, rows),
      };
    });
    return c.json(ZSettingsResponse.parse(body));
  });

  app.put('/settings/:key', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const parsedKey = ZEditableSettingKey.safeParse(c.req.param('key'));
    if (!parsedKey.success) {
      throw new UserError(
        'not_found',
        `No editable setting is named this; the editable ones are ${Object.keys(EDITABLE_SETTINGS).join(', ')}`,
      );
    }
    const key: EditableSettingKey = parsedKey.data;
    const { value } = await jsonBody(c, ZPutSettingRequest(key));
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, ['super_admin']);
      // An unchanged value is not written: no audit row, and the last change keeps its author.
      await tx`
        insert into public.settings as s (key, value) values (${key}, ${tx.json(value as never)})
        on conflict (key) do update set value = excluded.value where s.value is distinct from excluded.value`;
      const rows = await tx<SettingRow[]>`
        select key, value, updated_at, updated_by from public.settings where key = ${key}`;
      const [row] = rows;
      if (!row) throw new Error(`setting ${key} was not saved`);
      return { key, value: row.value, change: (await changesOf(tx, rows))[key] };
    });
    return c.json(ZPutSettingResponse.parse(body));
  });

  app.post('/opt-outs', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const { msisdn } = await jsonBody(c, ZOptOutRequest);
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, ['super_admin']);
      const changed = await tx`
        update public.settings s set value = s.value || jsonb_build_array(app.msisdn_hash(${msisdn}))
         where s.key = ${OPT_OUT_KEY} and not (s.value ? app.msisdn_hash(${msisdn}))`;
      const state = await optOutState(tx, msisdn);
      return { msisdn, opted_out: state.opted_out, changed: changed.count > 0, opt_out_count: state.count };
    });
    return c.json(ZOptOutResponse.parse(body));
  });

  app.post('/opt-outs/remove', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const { msisdn } = await jsonBody(c, ZOptOutRequest);
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, ['super_admin']);
      // jsonb `-` text drops every array element equal to the hash.
      const changed = await tx`
        update public.settings s set value = s.value - app.msisdn_hash(${msisdn})
         where s.key = ${OPT_OUT_KEY} and s.value ? app.msisdn_hash(${msisdn})`;
      const state = await optOutState(tx, msisdn);
      return { msisdn, opted_out: state.opted_out, changed: changed.count > 0, opt_out_count: state.count };
    });
    return c.json(ZOptOutResponse.parse(body));
  });

  app.post('/opt-outs/check', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const { msisdn } = await jsonBody(c, ZOptOutRequest);
    const body = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const state = await optOutState(tx, msisdn);
      return { msisdn, opted_out: state.opted_out, changed: false, opt_out_count: state.count };
    });
    return c.json(ZOptOutResponse.parse(body));
  });
}
