/**
 * Stations and who operates them, read and written as the caller (RLS: every admin reads;
 * super_admin and data_ops change). Answers carry each station's activity from
 * view_active_bars and, on one station, its operators' emails (app.user_directory).
 *
 *   GET    /stations                        list (any admin); ?q= part of the name or ENGEN code, ?status=
 *   POST   /stations                        create (super_admin, data_ops); 201 with the station
 *   GET    /stations/:id                    one station with its operators (any admin)
 *   PATCH  /stations/:id                    change any field (super_admin, data_ops)
 *   POST   /stations/:id/operators          assign an account by email (super_admin, data_ops)
 *   DELETE /stations/:id/operators/:userId  end an assignment: it stays, inactive (super_admin, data_ops)
 *
 * An operator works at one station at a time: assigning someone active elsewhere is a 409
 * `conflict` naming that station, unless `move` is true (the other assignment ends in the
 * same transaction).
 */
import type { Hono } from 'hono';
import type postgres from 'postgres';
import {
  ZAssignOperatorRequest,
  ZCreateStationRequest,
  ZListStationsQuery,
  ZListStationsResponse,
  ZStationDetail,
  ZUpdateStationRequest,
  type TLocation,
  type TStation,
  type TStationDetail,
} from '../../../packages/contracts/src/admin/stations.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody, queryParams, uuidParam } from '../_shared/request.ts';
import { ISSUERS, requireRole } from '../_shared/roles.ts';
import { directory, iso, isoOrNull } from './directory.ts';

interface StationRow {
  id: string;
  name: string;
  engencode: string;
  owner_contact: string | null;
  latitude: number | null;
  longitude: number | null;
  status: TStation['status'];
  created_at: Date;
  updated_at: Date;
  redeemed_24h: number;
  redeemed_7d: number;
  redeemed_amount_7d: number;
  last_redeemed_at: Date | null;
  active_operators: number;
}

function toStation({ latitude, longitude, ...row }: StationRow): TStation {
  return {
    ...row,
    location: latitude === null || longitude === null ? null : { latitude, longitude },
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_redeemed_at: isoOrNull(row.last_redeemed_at),
  };
}

/** Filters go on the view's columns, so they reach its scan of stations (not every station's activity). */
function selectStations(tx: Tx, where: postgres.Fragment) {
  return tx<StationRow[]>`
    select b.station_id as id, b.name, b.engencode, s.owner_contact,
           extensions.st_y(s.location::extensions.geometry) as latitude,
           extensions.st_x(s.location::extensions.geometry) as longitude,
           b.status, s.created_at, s.updated_at,
           b.redeemed_24h::int as redeemed_24h, b.redeemed_7d::int as redeemed_7d,
           b.redeemed_amount_7d::float8 as redeemed_amount_7d, b.last_redeemed_at,
           b.active_operators::int as active_operators
      from public.view_active_bars b
      join public.stations s on s.id = b.station_id
     where ${where}
     order by b.name, b.station_id`;
}

/** A point as PostGIS stores it (longitude first), or null. */
function point(tx: Tx, location: TLocation | null | undefined) {
  return location
    ? tx`extensions.st_setsrid(extensions.st_makepoint(${location.longitude}::float8, ${location.latitude}::float8), 4326)::extensions.geography`
    : tx`null`;
}

async function loadDetail(tx: Tx, id: string): Promise<TStationDetail> {
  const [station] = await selectStations(tx, tx`b.station_id = ${id}`);
  if (!station) throw new UserError('not_found', 'No station with this id');
  const operators = await tx<{ user_id: string; active: boolean; created_at: Date }[]>`
    select user_id, active, created_at from public.station_operators
     where station_id = ${id}
     order by active desc, created_at desc, user_id`;
  const people = await directory(
    tx,
    operators.map((o) => o.user_id),
  );
  return ZStationDetail.parse({
    station: toStation(station),
    operators: operators.map((o) => ({
      user_id: o.user_id,
      email: people.get(o.user_id)?.email ?? null,
      full_name: people.get(o.user_id)?.full_name ?? null,
      active: o.active,
      created_at: iso(o.created_at),
    })),
  });
}

/** A unique ENGEN code taken by another station, said plainly. */
function engencodeTaken(error: unknown, engencode: string | undefined): never {
  const e = error as { name?: string; code?: string; constraint_name?: string };
  if (e?.name === 'PostgresError' && e.code === '23505' && e.constraint_name === 'stations_engencode_key') {
    throw new UserError('conflict', `Another station already has the ENGEN code ${engencode}`, { engencode });
  }
  throw error;
}

/** `%`, `_` and `\` typed in a search are themselves, not LIKE wildcards. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (m) => `\\${m}`);

export function stationRoutes(app: Hono): void {
  app.get('/stations', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const query = queryParams(c, ZListStationsQuery);
    const rows = await asCaller(caller, async (tx) => {
      await requireRole(tx, 'any admin');
      const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
      return selectStations(
        tx,
        tx`true
          ${pattern ? tx`and (b.name ilike ${pattern} or b.engencode ilike ${pattern})` : tx``}
          ${query.status ? tx`and b.status = ${query.status}` : tx``}`,
      );
    });
    return c.json(ZListStationsResponse.parse({ items: rows.map(toStation) }));
  });

  app.post('/stations', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const request = await jsonBody(c, ZCreateStationRequest);
    const detail = await asCaller(caller, async (tx) => {
      await requireRole(tx, ISSUERS);
      const [created] = await tx<{ id: string }[]>`
        insert into public.stations (name, engencode, owner_contact, location, status)
        values (${request.name}, ${request.engencode}, ${request.owner_contact ?? null}, ${point(tx, request.location)},
                ${request.status})
        returning id`;
      if (!created) throw new Error('the station insert returned nothing');
      return loadDetail(tx, created.id);
    }).catch((error: unknown) => engencodeTaken(error, request.engencode));
    return c.json(detail, 201);
  });

  app.get('/stations/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', 'No station with this id');
    return c.json(
      await asCaller(caller, async (tx) => {
        await requireRole(tx, 'any admin');
        return loadDetail(tx, id);
      }),
    );
  });

  app.patch('/stations/:id', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', 'No station with this id');
    const patch = await jsonBody(c, ZUpdateStationRequest);
    const detail = await asCaller(caller, async (tx) => {
      await requireRole(tx, ISSUERS);
      const changes = [
        patch.name !== undefined && tx`name = ${patch.name}`,
        patch.engencode !== undefined && tx`engencode = ${patch.engencode}`,
        patch.owner_contact !== undefined && tx`owner_contact = ${patch.owner_contact}`,
        patch.location !== undefined && tx`location = ${point(tx, patch.location)}`,
        patch.status !== undefined && tx`status = ${patch.status}`,
      ].filter((change) => change !== false);
      const assignments = changes.reduce((list, change) => tx`${list}, ${change}`);
      const updated = await tx`update public.stations set ${assignments} where id = ${id} returning id`;
      if (updated.length === 0) throw new UserError('not_found', 'No station with this id');
      return loadDetail(tx, id);
    }).catch((error: unknown) => engencodeTaken(error, patch.engencode));
    return c.json(detail);
  });

  app.post('/stations/:id/operators', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', 'No station with this id');
    const { email, move } = await jsonBody(c, ZAssignOperatorRequest);
    const detail = await asCaller(caller, async (tx) => {
      await requireRole(tx, ISSUERS);
      const [station] = await tx`select id from public.stations where id = ${id}`;
      if (!station) throw new UserError('not_found', 'No station with this id');
      const [account] = await tx<{ id: string | null }[]>`select app.user_id_by_email(${email}) as id`;
      const userId = account?.id;
      if (!userId) throw new UserError('invalid_request', 'No account has this email', { email });
      const elsewhere = await tx<{ id: string; name: string; engencode: string }[]>`
        select s.id, s.name, s.engencode
          from public.station_operators so join public.stations s on s.id = so.station_id
         where so.user_id = ${userId} and so.active and so.station_id <> ${id}
           for update of so`;
      const other = elsewhere[0];
      if (other && !move) {
        throw new UserError(
          'conflict',
          `${email} operates ${other.name} (${other.engencode}); move them to assign them here`,
          { station: other },
        );
      }
      if (other) {
        await tx`update public.station_operators set active = false
                  where user_id = ${userId} and station_id = ${other.id} and active`;
      }
      await tx`
        insert into public.station_operators as so (user_id, station_id, active) values (${userId}, ${id}, true)
        on conflict (user_id, station_id) do update set active = true where not so.active`;
      return loadDetail(tx, id);
    }).catch((error: unknown) => {
      // Another admin assigned them elsewhere at the same moment (one active station per operator).
      const e = error as { name?: string; code?: string; constraint_name?: string };
      if (
        e?.name === 'PostgresError' &&
        e.code === '23505' &&
        e.constraint_name === 'station_operators_one_active_station'
      ) {
        throw new UserError('conflict', `${email} was just assigned to another station; look again before moving them`);
      }
      throw error;
    });
    return c.json(detail);
  });

  app.delete('/stations/:id/operators/:userId', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', 'No station with this id');
    const userId = uuidParam(c, 'userId', 'This account does not operate this station');
    return c.json(
      await asCaller(caller, async (tx) => {
        await requireRole(tx, ISSUERS);
        const [assignment] = await tx<{ active: boolean }[]>`
          select active from public.station_operators where station_id = ${id} and user_id = ${userId} for update`;
        if (!assignment) throw new UserError('not_found', 'This account does not operate this station');
        if (assignment.active) {
          await tx`update public.station_operators set active = false where station_id = ${id} and user_id = ${userId}`;
        }
        return loadDetail(tx, id);
      }),
    );
  });
}
