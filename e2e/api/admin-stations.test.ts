/**
 * Stations and their operators through the admin function, as each demo role: who may
 * read and change them (refusals change no row), validation, the ENGEN code's uniqueness,
 * the location round trip, and assigning, moving and removing operators, seen from the
 * station app too.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZListStationsResponse, ZStationDetail } from '../../packages/contracts/src/admin/stations.ts';
import { DATAOPS_ID, fingerprint, makeAccount, OPERATOR_ID, signInAll, type Role } from '../support/admin.ts';
import { db, signIn } from '../support/stack.ts';
import { call, STATION_1, STATION_2, type Json } from '../support/vouchers.ts';

const sql = db();
let as: Record<Role, SupabaseClient>;
const INACTIVE_STATION = 'b0000000-0000-4000-8000-000000000008';
const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
let serial = 0;
const code = () => `T${RUN}-${++serial}`;

beforeAll(async () => {
  as = await signInAll();
});
afterAll(async () => {
  // Stations this file made (their assignments go with them).
  await sql`delete from public.stations where engencode like ${`T${RUN}-%`}`;
  await sql.end();
});

const stationsFingerprint = () => fingerprint(sql, 'public.stations');
const assignmentsFingerprint = () => fingerprint(sql, 'public.station_operators');

async function create(client: SupabaseClient | null, body: Json) {
  return call(client, 'POST', 'admin/stations', body);
}

async function newStation(overrides: Json = {}): Promise<Json> {
  const { status, body } = await create(as.dataops, {
    name: `Test station ${serial}`,
    engencode: code(),
    ...overrides,
  });
  if (status !== 201) throw new Error(`station not created: ${status} ${JSON.stringify(body)}`);
  return body.station;
}

describe('GET admin/stations', () => {
  it.each(['admin', 'support', 'dataops', 'readonly'] as const)(
    '%s reads every station with its activity',
    async (role) => {
      const { status, body } = await call(as[role], 'GET', 'admin/stations');
      expect(status).toBe(200);
      const parsed = ZListStationsResponse.parse(body);
      const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`select count(*)::int as n from public.stations`;
      expect(parsed.items).toHaveLength(n);
      const kacyiru = parsed.items.find((s) => s.id === STATION_1);
      expect(kacyiru).toMatchObject({ name: 'Engen Kacyiru', engencode: 'KGL-KCY-01', status: 'active' });
      expect(kacyiru?.location?.latitude).toBeCloseTo(-1.939, 6);
      expect(kacyiru?.location?.longitude).toBeCloseTo(30.089, 6);
      expect(kacyiru?.active_operators).toBeGreaterThanOrEqual(1);
      const [activity] = await sql<{ n: number }[]>`
        select count(*)::int as n from public.vouchers
         where redeemed_station_id = ${STATION_1} and redeemed_at >= now() - interval '7 days'`;
      expect(kacyiru?.redeemed_7d).toBe(activity?.n);
    },
  );

  it('filters by part of the name or code (any case; % and _ are plain characters) and by status', async () => {
    const byName = await call(as.readonly, 'GET', 'admin/stations?q=kacy');
    expect(byName.body.items.map((s: Json) => s.id)).toEqual([STATION_1]);
    const byCode = await call(as.readonly, 'GET', 'admin/stations?q=knb-08');
    expect(byCode.body.items.map((s: Json) => s.id)).toEqual([INACTIVE_STATION]);
    expect((await call(as.readonly, 'GET', 'admin/stations?q=%25')).body.items).toEqual([]);
    expect((await call(as.readonly, 'GET', 'admin/stations?q=_')).body.items).toEqual([]);
    const inactive = await call(as.readonly, 'GET', 'admin/stations?status=inactive');
    expect(inactive.body.items.length).toBeGreaterThan(0);
    expect(inactive.body.items.every((s: Json) => s.status === 'inactive')).toBe(true);
  });

  it.each([
    ['an unknown status', 'status=closed'],
    ['an unknown parameter', 'page=2'],
    ['an empty search', 'q=%20%20'],
    ['a search too long', `q=${'x'.repeat(65)}`],
    ['a parameter given twice', 'status=active&status=inactive'],
  ])('refuses %s with 400 invalid_request', async (_what, query) => {
    const { status, body } = await call(as.admin, 'GET', `admin/stations?${query}`);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
  });

  it('refuses an operator (403) and anyone without a session (401)', async () => {
    expect((await call(as.operator, 'GET', 'admin/stations')).status).toBe(403);
    expect((await call(null, 'GET', 'admin/stations')).status).toBe(401);
  });
});

describe('POST admin/stations', () => {
  it.each(['admin', 'dataops'] as const)(
    '%s creates a station; the location comes back exactly as given',
    async (role) => {
      const engencode = code();
      const { status, body } = await create(as[role], {
        name: '  Engen Test  ',
        engencode: ` ${engencode.toLowerCase()} `,
        owner_contact: '0788 300 199',
        location: { latitude: -1.944123456789, longitude: 30.061987654321 },
      });
      expect(status).toBe(201);
      const { station, operators } = ZStationDetail.parse(body);
      expect(station).toMatchObject({
        name: 'Engen Test',
        engencode,
        owner_contact: '+250788300199',
        status: 'active',
        location: { latitude: -1.944123456789, longitude: 30.061987654321 },
        redeemed_7d: 0,
        active_operators: 0,
      });
      expect(operators).toEqual([]);
      const [row] = await sql<{ lat: number; lng: number; srid: number }[]>`
        select extensions.st_y(location::extensions.geometry) as lat, extensions.st_x(location::extensions.geometry) as lng,
               extensions.st_srid(location) as srid
          from public.stations where id = ${station.id}`;
      expect(row).toEqual({ lat: -1.944123456789, lng: 30.061987654321, srid: 4326 });
      const detail = await call(as.readonly, 'GET', `admin/stations/${station.id}`);
      expect(detail.body.station.location).toEqual({ latitude: -1.944123456789, longitude: 30.061987654321 });
    },
  );

  it('creates a station without a location or contact, inactive if asked', async () => {
    const station = await newStation({ status: 'inactive', location: null, owner_contact: null });
    expect(station).toMatchObject({ status: 'inactive', location: null, owner_contact: null });
  });

  it('refuses an ENGEN code another station has (any case) with 409 conflict, and creates nothing', async () => {
    const before = await stationsFingerprint();
    const { status, body } = await create(as.admin, { name: 'Copy', engencode: 'kgl-kcy-01' });
    expect([status, body.error.code]).toEqual([409, 'conflict']);
    expect(body.error.message).toContain('KGL-KCY-01');
    expect(body.error.details).toEqual({ engencode: 'KGL-KCY-01' });
    expect(await stationsFingerprint()).toBe(before);
  });

  it.each([
    ['no name', { engencode: 'T-NONAME' }],
    ['a blank name', { name: '   ', engencode: 'T-BLANK' }],
    ['an ENGEN code with spaces inside', { name: 'x', engencode: 'KGL KCY' }],
    ['an ENGEN code of one character', { name: 'x', engencode: 'K' }],
    ['a latitude over 90', { name: 'x', engencode: 'T-LAT', location: { latitude: 91, longitude: 30 } }],
    ['a longitude under -180', { name: 'x', engencode: 'T-LNG', location: { latitude: 0, longitude: -181 } }],
    ['a location without longitude', { name: 'x', engencode: 'T-HALF', location: { latitude: 0 } }],
    ['a location as [lng, lat]', { name: 'x', engencode: 'T-ARR', location: [30, -1.9] }],
    ['a contact that is not a phone number', { name: 'x', engencode: 'T-PHONE', owner_contact: 'call me' }],
    ['an unknown status', { name: 'x', engencode: 'T-STATUS', status: 'closed' }],
    ['an unknown field', { name: 'x', engencode: 'T-FIELD', id: '00000000-0000-4000-8000-000000000000' }],
  ])('refuses %s with 400 invalid_request and creates nothing', async (_what, request) => {
    const before = await stationsFingerprint();
    const { status, body } = await create(as.admin, request);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    expect(await stationsFingerprint()).toBe(before);
  });

  it.each(['support', 'readonly', 'operator'] as const)('refuses %s (403) and creates nothing', async (role) => {
    const before = await stationsFingerprint();
    const { status, body } = await create(as[role], { name: 'Not allowed', engencode: code() });
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
    expect(await stationsFingerprint()).toBe(before);
  });

  it('refuses callers without a session (401)', async () => {
    expect((await create(null, { name: 'x', engencode: code() })).status).toBe(401);
  });
});

describe('GET and PATCH admin/stations/:id', () => {
  it('shows one station with its operators, active first, with their emails', async () => {
    const { status, body } = await call(as.support, 'GET', `admin/stations/${STATION_1}`);
    expect(status).toBe(200);
    const detail = ZStationDetail.parse(body);
    expect(detail.station.id).toBe(STATION_1);
    expect(detail.operators.find((o) => o.user_id === OPERATOR_ID)).toMatchObject({
      email: 'operator@easymo.test',
      full_name: 'Olivier Operator',
      active: true,
    });
    const active = detail.operators.map((o) => o.active);
    expect(active, 'active first').toEqual([...active].sort((a, b) => Number(b) - Number(a)));
    const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.station_operators where station_id = ${STATION_1}`;
    expect(detail.operators).toHaveLength(n);
  });

  it.each([
    ['a UUID no station has', '00000000-0000-4000-8000-000000000000'],
    ['something that is not a UUID', 'KGL-KCY-01'],
  ])('answers %s with 404 not_found', async (_what, id) => {
    const { status, body } = await call(as.admin, 'GET', `admin/stations/${id}`);
    expect([status, body.error.code]).toEqual([404, 'not_found']);
  });

  it('changes only the fields given; the location can be moved and cleared', async () => {
    const station = await newStation({ location: { latitude: -1.95, longitude: 30.1 } });
    const renamed = await call(as.admin, 'PATCH', `admin/stations/${station.id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.station).toMatchObject({
      name: 'Renamed',
      engencode: station.engencode,
      location: { latitude: -1.95, longitude: 30.1 },
    });
    expect(Date.parse(renamed.body.station.updated_at)).toBeGreaterThan(Date.parse(station.updated_at));
    const moved = await call(as.dataops, 'PATCH', `admin/stations/${station.id}`, {
      location: { latitude: 0.5, longitude: -0.25 },
      owner_contact: '+35679100015',
      status: 'inactive',
    });
    expect(moved.body.station).toMatchObject({
      name: 'Renamed',
      location: { latitude: 0.5, longitude: -0.25 },
      owner_contact: '+35679100015',
      status: 'inactive',
    });
    const cleared = await call(as.dataops, 'PATCH', `admin/stations/${station.id}`, {
      location: null,
      owner_contact: null,
    });
    expect(cleared.body.station).toMatchObject({ location: null, owner_contact: null });
    const [row] = await sql`select location from public.stations where id = ${station.id}`;
    expect(row?.location).toBeNull();
  });

  it('refuses a change to an ENGEN code another station has (409), changing nothing', async () => {
    const station = await newStation();
    const before = await stationsFingerprint();
    const { status, body } = await call(as.admin, 'PATCH', `admin/stations/${station.id}`, {
      name: 'Also renamed',
      engencode: 'KGL-NYB-02',
    });
    expect([status, body.error.code]).toEqual([409, 'conflict']);
    expect(await stationsFingerprint()).toBe(before);
  });

  it.each([
    ['an empty patch', {}],
    ['an unknown field', { colour: 'red' }],
    ['a null name', { name: null }],
    ['a bad location', { location: { latitude: 'x', longitude: 1 } }],
    ['a bad status', { status: 'open' }],
  ])('refuses %s with 400 and changes nothing', async (_what, patch) => {
    const before = await stationsFingerprint();
    const { status, body } = await call(as.admin, 'PATCH', `admin/stations/${STATION_2}`, patch);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    expect(await stationsFingerprint()).toBe(before);
  });

  it('answers a station nobody has with 404', async () => {
    const { status } = await call(as.admin, 'PATCH', 'admin/stations/00000000-0000-4000-8000-000000000000', {
      name: 'Ghost',
    });
    expect(status).toBe(404);
  });

  it.each(['support', 'readonly', 'operator'] as const)('refuses %s (403) and changes nothing', async (role) => {
    const before = await stationsFingerprint();
    const { status, body } = await call(as[role], 'PATCH', `admin/stations/${STATION_2}`, { status: 'inactive' });
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
    expect(await stationsFingerprint()).toBe(before);
  });
});

describe('operators', () => {
  const operatorsOf = async (stationId: string) =>
    sql<{ user_id: string; active: boolean }[]>`
      select user_id, active from public.station_operators where station_id = ${stationId} order by user_id`;

  it('assigns an account by email (any case); it can then work at the station, and only there', async () => {
    const station = await newStation();
    const account = await makeAccount('operator');
    const { status, body } = await call(as.dataops, 'POST', `admin/stations/${station.id}/operators`, {
      email: account.email.toUpperCase(),
    });
    expect(status).toBe(200);
    const detail = ZStationDetail.parse(body);
    expect(detail.operators).toEqual([
      expect.objectContaining({ user_id: account.id, email: account.email, full_name: 'Test operator', active: true }),
    ]);
    expect(detail.station.active_operators).toBe(1);
    const audit = await sql`
      select actor_id, action from public.audit_log
       where target_table = 'station_operators' and target_id = ${`${account.id}/${station.id}`}`;
    expect(audit).toEqual([{ actor_id: DATAOPS_ID, action: 'insert' }]);

    const operator = (await signIn(account.email)).client;
    const config = await call(operator, 'GET', 'station/config');
    expect(config.status).toBe(200);
    expect(config.body.station.id).toBe(station.id);

    // Assigning again changes nothing (and writes no audit row).
    const again = await call(as.admin, 'POST', `admin/stations/${station.id}/operators`, { email: account.email });
    expect(again.status).toBe(200);
    const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.audit_log where target_table = 'station_operators'
         and target_id = ${`${account.id}/${station.id}`}`;
    expect(n).toBe(1);
  });

  it('refuses to take an operator from another station (409 naming it) unless move is true', async () => {
    const [first, second] = [await newStation(), await newStation()];
    const account = await makeAccount('mover');
    await call(as.admin, 'POST', `admin/stations/${first.id}/operators`, { email: account.email });

    const before = await assignmentsFingerprint();
    const refused = await call(as.admin, 'POST', `admin/stations/${second.id}/operators`, { email: account.email });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'conflict']);
    expect(refused.body.error.details).toEqual({
      station: { id: first.id, name: first.name, engencode: first.engencode },
    });
    expect(refused.body.error.message).toContain(first.engencode);
    expect(await assignmentsFingerprint()).toBe(before);

    const moved = await call(as.admin, 'POST', `admin/stations/${second.id}/operators`, {
      email: account.email,
      move: true,
    });
    expect(moved.status).toBe(200);
    expect(await operatorsOf(first.id)).toEqual([{ user_id: account.id, active: false }]);
    expect(await operatorsOf(second.id)).toEqual([{ user_id: account.id, active: true }]);
    const config = await call((await signIn(account.email)).client, 'GET', 'station/config');
    expect(config.body.station.id).toBe(second.id);

    // And back: the old assignment becomes active again, the newer one inactive.
    await call(as.admin, 'POST', `admin/stations/${first.id}/operators`, { email: account.email, move: true });
    expect(await operatorsOf(first.id)).toEqual([{ user_id: account.id, active: true }]);
    expect(await operatorsOf(second.id)).toEqual([{ user_id: account.id, active: false }]);
  });

  it('removes an operator: the assignment stays, inactive, and the account can no longer work there', async () => {
    const station = await newStation();
    const account = await makeAccount('leaver');
    await call(as.admin, 'POST', `admin/stations/${station.id}/operators`, { email: account.email });
    const operator = (await signIn(account.email)).client;
    expect((await call(operator, 'GET', 'station/config')).status).toBe(200);

    const { status, body } = await call(as.dataops, 'DELETE', `admin/stations/${station.id}/operators/${account.id}`);
    expect(status).toBe(200);
    expect(body.operators).toEqual([expect.objectContaining({ user_id: account.id, active: false })]);
    expect(body.station.active_operators).toBe(0);
    expect(await operatorsOf(station.id)).toEqual([{ user_id: account.id, active: false }]);
    expect((await call(operator, 'GET', 'station/config')).status).toBe(403);

    // Removing again is harmless; an account that never worked there is 404.
    expect((await call(as.dataops, 'DELETE', `admin/stations/${station.id}/operators/${account.id}`)).status).toBe(200);
    const never = await call(as.dataops, 'DELETE', `admin/stations/${station.id}/operators/${DATAOPS_ID}`);
    expect([never.status, never.body.error.code]).toEqual([404, 'not_found']);
    const junk = await call(as.dataops, 'DELETE', `admin/stations/${station.id}/operators/not-a-uuid`);
    expect(junk.status).toBe(404);
  });

  it.each([
    ['an email no account has', { email: 'nobody-here@easymo.test' }, 400],
    ['something that is not an email', { email: 'operator' }, 400],
    ['move as a string', { email: 'operator@easymo.test', move: 'yes' }, 400],
    ['an unknown field', { email: 'operator@easymo.test', role: 'admin' }, 400],
  ])('refuses %s and changes nothing', async (_what, request, expected) => {
    const before = await assignmentsFingerprint();
    const { status, body } = await call(as.admin, 'POST', `admin/stations/${STATION_2}/operators`, request);
    expect([status, body.error.code]).toEqual([expected, 'invalid_request']);
    expect(await assignmentsFingerprint()).toBe(before);
  });

  it('answers a station nobody has with 404', async () => {
    const { status } = await call(as.admin, 'POST', 'admin/stations/00000000-0000-4000-8000-000000000000/operators', {
      email: 'operator@easymo.test',
    });
    expect(status).toBe(404);
  });

  it.each(['support', 'readonly', 'operator'] as const)(
    'refuses %s to assign or remove (403), changing nothing',
    async (role) => {
      const before = await assignmentsFingerprint();
      const assign = await call(as[role], 'POST', `admin/stations/${STATION_2}/operators`, {
        email: 'operator@easymo.test',
        move: true,
      });
      expect([assign.status, assign.body.error.code]).toEqual([403, 'forbidden']);
      const remove = await call(
        as[role],
        'DELETE',
        `admin/stations/${STATION_1}/operators/a0000000-0000-4000-8000-000000000005`,
      );
      expect([remove.status, remove.body.error.code]).toEqual([403, 'forbidden']);
      expect(await assignmentsFingerprint()).toBe(before);
    },
  );
});
