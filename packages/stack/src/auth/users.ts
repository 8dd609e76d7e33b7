/**
 * auth.users rows and their JSON form, as GoTrue stores and serialises them.
 */
import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type postgres from 'postgres';

export const NIL_INSTANCE = '00000000-0000-0000-0000-000000000000';
export const AUDIENCE = 'authenticated';
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  phone: string | null;
  phone_confirmed_at: Date | null;
  confirmation_sent_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  created_at: Date;
  updated_at: Date;
}

interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Record<string, unknown>;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
  email: string | null;
}

type Db = postgres.Sql | postgres.TransactionSql;

/** bcrypt with cost 10 and GoTrue's `$2a$` prefix (async: ~70 ms that must not block the gateway). */
export async function hashPassword(password: string): Promise<string> {
  const salt = (await bcrypt.genSalt(10)).replace(/^\$2b\$/, '$2a$');
  return bcrypt.hash(password, salt);
}

export async function passwordMatches(password: string, hash: string | null): Promise<boolean> {
  if (!hash) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`select * from auth.users where instance_id = ${NIL_INSTANCE} and id = ${id}`;
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`
    select * from auth.users
     where instance_id = ${NIL_INSTANCE} and lower(email) = lower(${email}) and aud = ${AUDIENCE}
       and is_sso_user = false and deleted_at is null`;
  return row;
}

export async function findUserByPhone(db: Db, phone: string): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`
    select * from auth.users
     where instance_id = ${NIL_INSTANCE} and phone = ${normalizePhone(phone)} and aud = ${AUDIENCE} and deleted_at is null`;
  return row;
}

/** GoTrue stores phones without `+` or spaces. */
export function normalizePhone(phone: string): string {
  return phone.replace(/[+\s]/g, '');
}

export function isE164Digits(phone: string): boolean {
  return /^[1-9]\d{7,14}$/.test(phone);
}

const iso = (value: Date | null) => (value ? value.toISOString() : undefined);

/** The User object GoTrue returns: always-present keys, then the omitempty ones. */
export function serializeUser(user: UserRow, identities: IdentityRow[] | null) {
  const optional: Record<string, unknown> = {
    email_confirmed_at: iso(user.email_confirmed_at),
    invited_at: iso(user.invited_at),
    phone_confirmed_at: iso(user.phone_confirmed_at),
    confirmation_sent_at: iso(user.confirmation_sent_at),
    confirmed_at: iso(user.confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    banned_until: iso(user.banned_until),
    deleted_at: iso(user.deleted_at),
  };
  return {
    id: user.id,
    aud: user.aud ?? '',
    role: user.role ?? '',
    email: user.email ?? '',
    phone: user.phone ?? '',
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities:
      identities?.map((i) => ({
        identity_id: i.id,
        id: i.provider_id,
        user_id: i.user_id,
        identity_data: i.identity_data,
        provider: i.provider,
        ...(i.last_sign_in_at ? { last_sign_in_at: i.last_sign_in_at.toISOString() } : {}),
        created_at: i.created_at.toISOString(),
        updated_at: i.updated_at.toISOString(),
        ...(i.email ? { email: i.email } : {}),
      })) ?? [],
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    is_anonymous: user.is_anonymous,
  };
}

export async function userJson(db: Db, user: UserRow) {
  const identities = await db<
    IdentityRow[]
  >`select * from auth.identities where user_id = ${user.id} order by created_at`;
  return serializeUser(user, identities);
}

export interface NewUser {
  id?: string;
  email?: string;
  phone?: string;
  passwordHash: string;
  emailConfirmed: boolean;
  phoneConfirmed: boolean;
  role: string;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  bannedUntil: Date | null;
}

export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  const id = user.id ?? randomUUID();
  const [row] = await db<UserRow[]>`
    insert into auth.users (
      instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, phone, phone_confirmed_at,
      raw_app_meta_data, raw_user_meta_data, banned_until, created_at, updated_at,
      confirmation_token, recovery_token, email_change_token_new, email_change, is_sso_user, is_anonymous)
    values (
      ${NIL_INSTANCE}, ${id}, ${AUDIENCE}, ${user.role}, ${user.email ?? null}, ${user.passwordHash},
      ${user.emailConfirmed ? db`now()` : null}, ${user.phone ?? null}, ${user.phoneConfirmed ? db`now()` : null},
      ${db.json(user.appMetadata as postgres.JSONValue)}, ${db.json(user.userMetadata as postgres.JSONValue)}, ${user.bannedUntil},
      now(), now(), '', '', '', '', false, false)
    returning *`;
  for (const [provider, value] of [
    ['email', user.email],
    ['phone', user.phone],
  ] as const) {
    if (!value) continue;
    const data = { sub: id, [provider]: value, email_verified: false, phone_verified: false };
    await db`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
             values (${id}, ${id}, ${db.json(data)}, ${provider}, now(), now())`;
  }
  return row as UserRow;
}

/** Go duration strings as GoTrue's ban_duration takes them: "24h", "1h30m", "90s". */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((total, p) => total + Number(p[1]) * (units[p[2] as string] ?? 0), 0);
}
