/**
 * A stand-in for Supabase Auth (GoTrue), mounted at /auth/v1: the endpoints the apps,
 * functions and tests use (sign-in, refresh, user, logout, invite, admin users), with
 * GoTrue's JSON, error codes, JWT claims and tables (auth.users, auth.sessions,
 * auth.refresh_tokens, auth.identities, auth.mfa_amr_claims).
 *
 * Sessions are rows: a token whose session row is gone (logout) is refused by every
 * Bearer endpoint even before it expires. Refresh tokens rotate as GoTrue's do: a used
 * token is revoked and gets a child; presenting the parent of the active token again
 * returns the active one (a lost response); any other reuse after the reuse interval
 * revokes the whole session's tokens and fails with `refresh_token_already_used`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type postgres from 'postgres';
import { signJwt, verifyJwt, type JwtPayload } from '../jwt.ts';
import type { ApiSecrets } from '../secrets.ts';
import type { SupabaseConfig } from '../supabase-config.ts';
import {
  AuthError,
  badJwt,
  emailExists,
  errorResponse,
  invalidCredentials,
  noAuthorization,
  notAdmin,
  phoneExists,
  sessionNotFoundFromJwt,
  userNotFound,
  userNotFoundFromJwt,
  validationFailed,
} from './errors.ts';
import {
  AUDIENCE,
  NIL_INSTANCE,
  UUID_PATTERN,
  findUserByEmail,
  findUserById,
  findUserByPhone,
  hashPassword,
  insertUser,
  isE164Digits,
  normalizePhone,
  parseGoDuration,
  passwordMatches,
  serializeUser,
  userJson,
  type UserRow,
} from './users.ts';

export interface AuthDeps {
  sql: postgres.Sql;
  secrets: ApiSecrets;
  config: SupabaseConfig['auth'];
  /** The `iss` claim: `<api url>/auth/v1`, as the Supabase CLI sets it. */
  issuer: string;
}

interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  revoked: boolean;
  parent: string | null;
  session_id: string | null;
  updated_at: Date;
}

interface SessionRow {
  id: string;
  user_id: string;
  aal: string | null;
}

type Tx = postgres.TransactionSql;

const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);
const REFRESH_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** GoTrue's legacy refresh token: 12 characters of lower-case base32. */
function newRefreshToken(): string {
  return [...randomBytes(12)].map((b) => REFRESH_ALPHABET[b % 32]).join('');
}

export function createAuthService(deps: AuthDeps): Hono {
  const { sql, secrets, config } = deps;
  const app = new Hono();

  async function body(c: Context): Promise<Record<string, unknown>> {
    const text = await c.req.text();
    if (!text) return {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
      throw new Error('not an object');
    } catch (error) {
      throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${(error as Error).message}`);
    }
  }

  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const obj = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;

  // ── tokens ─────────────────────────────────────────────────────────────────
  async function accessToken(
    tx: Tx,
    user: UserRow,
    session: SessionRow,
  ): Promise<{ token: string; exp: number; iat: number }> {
    const claims = await tx<{ method: string; at: Date }[]>`
      select authentication_method as method, updated_at as at from auth.mfa_amr_claims
       where session_id = ${session.id} order by updated_at desc`;
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + config.jwtExpiry;
    const payload: JwtPayload = {
      iss: deps.issuer,
      sub: user.id,
      aud: user.aud ?? AUDIENCE,
      exp,
      iat,
      email: user.email ?? '',
      phone: user.phone ?? '',
      app_metadata: user.raw_app_meta_data,
      user_metadata: user.raw_user_meta_data,
      role: user.role ?? 'authenticated',
      aal: session.aal ?? 'aal1',
      amr: claims.map((c) => ({ method: c.method, timestamp: Math.floor(c.at.getTime() / 1000) })),
      session_id: session.id,
      is_anonymous: user.is_anonymous,
    };
    return { token: signJwt(payload, secrets.jwtSecret), exp, iat };
  }

  async function sessionResponse(tx: Tx, user: UserRow, session: SessionRow, refreshToken: string) {
    const { token, exp } = await accessToken(tx, user, session);
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: exp - Math.floor(Date.now() / 1000),
      expires_at: exp,
      refresh_token: refreshToken,
      user: await userJson(tx, user),
    };
  }

  async function insertRefreshToken(tx: Tx, userId: string, sessionId: string, parent: string | null): Promise<string> {
    const token = newRefreshToken();
    await tx`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
             values (${NIL_INSTANCE}, ${token}, ${userId}, false, now(), now(), ${parent}, ${sessionId})`;
    return token;
  }

  async function passwordGrant(c: Context, params: Record<string, unknown>) {
    const email = str(params.email);
    const phone = str(params.phone);
    const password = str(params.password) ?? '';
    if (email && phone) throw validationFailed('Only an email address or phone number should be provided on login.');
    if (!email && !phone) throw validationFailed('missing email or phone');
    return sql.begin(async (tx) => {
      const user = email ? await findUserByEmail(tx, email) : await findUserByPhone(tx, phone ?? '');
      if (!user || !user.encrypted_password) throw invalidCredentials();
      if (user.banned_until && user.banned_until > new Date())
        throw new AuthError(400, 'user_banned', 'User is banned');
      if (!(await passwordMatches(password, user.encrypted_password))) throw invalidCredentials();
      if (email && !user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
      if (phone && !user.phone_confirmed_at) throw new AuthError(400, 'phone_not_confirmed', 'Phone not confirmed');
      const session = one(
        await tx<SessionRow[]>`
          insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
          values (${randomUUID()}, ${user.id}, now(), now(), 'aal1', ${c.req.header('user-agent') ?? null}, '127.0.0.1')
          returning id, user_id, aal::text`,
      );
      await tx`insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
               values (${randomUUID()}, ${session.id}, now(), now(), 'password')`;
      const signedIn = one(
        await tx<
          UserRow[]
        >`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${user.id} returning *`,
      );
      const refresh = await insertRefreshToken(tx, user.id, session.id, null);
      return sessionResponse(tx, signedIn, session, refresh);
    });
  }

  async function refreshGrant(params: Record<string, unknown>) {
    const presented = str(params.refresh_token) ?? '';
    if (!/^[a-z0-9]{12}$/.test(presented)) {
      if (!presented) throw new AuthError(400, 'validation_failed', 'refresh_token required');
      throw validationFailed('Refresh token is not valid');
    }
    // A detected reuse revokes the session's tokens and must stay revoked: commit first,
    // then answer with the error.
    let reused = false;
    const result = await sql.begin(async (tx) => {
      const [row] = await tx<
        RefreshTokenRow[]
      >`select * from auth.refresh_tokens where token = ${presented} for update`;
      if (!row) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      const user = await findUserById(tx, row.user_id);
      if (!user) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      if (user.banned_until && user.banned_until > new Date()) {
        throw new AuthError(400, 'user_banned', 'Invalid Refresh Token: User Banned');
      }
      const [session] = row.session_id
        ? await tx<
            SessionRow[]
          >`select id, user_id, aal::text from auth.sessions where id = ${row.session_id} for update`
        : [];
      if (!session) throw new AuthError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');

      let issued: string;
      if (!row.revoked) {
        issued = await swap(tx, row, user.id, session.id);
      } else {
        const [active] = await tx<RefreshTokenRow[]>`
          select * from auth.refresh_tokens where session_id = ${session.id} and revoked is false order by id desc limit 1`;
        const withinReuse = Date.now() <= row.updated_at.getTime() + config.refreshTokenReuseInterval * 1000;
        if (active && active.parent === row.token) {
          issued = active.token;
        } else if (withinReuse) {
          issued = await swap(tx, row, user.id, session.id);
        } else {
          if (config.refreshTokenRotation) {
            await tx`update auth.refresh_tokens set revoked = true, updated_at = now()
                      where session_id = ${session.id} and revoked = false`;
          }
          reused = true;
          return undefined;
        }
      }
      await tx`update auth.sessions set refreshed_at = timezone('utc', now()), updated_at = now() where id = ${session.id}`;
      return sessionResponse(tx, user, session, issued);
    });
    if (reused || !result)
      throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    return result;
  }

  async function swap(tx: Tx, row: RefreshTokenRow, userId: string, sessionId: string): Promise<string> {
    await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
    return insertRefreshToken(tx, userId, sessionId, row.token);
  }

  // ── bearer authentication ─────────────────────────────────────────────────────
  function bearerClaims(c: Context): JwtPayload {
    const match = /^bearer (\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) throw noAuthorization();
    const check = verifyJwt(match[1], secrets.jwtSecret);
    if (!check.ok) {
      const reason = check.reason === 'expired' ? 'token has invalid claims: token is expired' : 'signature is invalid';
      throw badJwt(`invalid JWT: unable to parse or verify signature, ${reason}`);
    }
    return check.payload;
  }

  /** GoTrue's requireAuthentication: valid JWT, existing user, existing session. */
  async function requireUser(c: Context): Promise<{ user: UserRow; claims: JwtPayload }> {
    const claims = bearerClaims(c);
    const sub = str(claims.sub);
    if (!sub) throw badJwt('invalid claim: missing sub claim');
    if (!UUID_PATTERN.test(sub)) throw badJwt('invalid claim: sub claim must be a UUID', 400);
    const user = await findUserById(sql, sub);
    if (!user) throw userNotFoundFromJwt();
    const sessionId = str(claims.session_id);
    if (sessionId && sessionId !== NIL_INSTANCE) {
      if (!UUID_PATTERN.test(sessionId)) throw badJwt('invalid claim: session_id claim must be a UUID');
      const [session] = await sql`select id from auth.sessions where id = ${sessionId}`;
      if (!session) throw sessionNotFoundFromJwt();
    }
    if (user.banned_until && user.banned_until > new Date()) throw new AuthError(403, 'user_banned', 'User is banned');
    return { user, claims };
  }

  async function requireAdmin(c: Context): Promise<void> {
    const claims = bearerClaims(c);
    const sessionId = str(claims.session_id);
    if (sessionId && sessionId !== NIL_INSTANCE) await requireUser(c);
    if (!ADMIN_ROLES.has(String(claims.role))) throw notAdmin();
  }

  // ── routes ────────────────────────────────────────────────────────────────────
  app.get('/health', (c) =>
    c.json({ version: 'local-standin', name: 'GoTrue', description: 'GoTrue stand-in of the easyMO local stack' }),
  );

  app.get('/settings', (c) =>
    c.json({
      external: { email: true, phone: true, anonymous_users: false },
      disable_signup: true,
      mailer_autoconfirm: true,
      phone_autoconfirm: true,
      sms_provider: '',
      saml_enabled: false,
    }),
  );

  app.post('/signup', () => {
    throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
  });

  app.post('/token', async (c) => {
    const grant = c.req.query('grant_type');
    const params = await body(c);
    if (grant === 'password') return c.json(await passwordGrant(c, params));
    if (grant === 'refresh_token') return c.json(await refreshGrant(params));
    throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
  });

  app.get('/user', async (c) => {
    const { user } = await requireUser(c);
    if ((user.aud ?? AUDIENCE) !== AUDIENCE) throw validationFailed("Token audience doesn't match request audience");
    return c.json(await userJson(sql, user));
  });

  app.post('/logout', async (c) => {
    const { user, claims } = await requireUser(c);
    const scope = c.req.query('scope') ?? 'global';
    const sessionId = str(claims.session_id);
    if (!['global', 'local', 'others', ''].includes(scope))
      throw validationFailed(`Unsupported logout scope "${scope}"`);
    if (!sessionId || scope === 'global' || scope === '') {
      await sql`delete from auth.sessions where user_id = ${user.id}`;
    } else if (scope === 'local') {
      await sql`delete from auth.sessions where id = ${sessionId}`;
    } else {
      await sql`delete from auth.sessions where id <> ${sessionId} and user_id = ${user.id}`;
    }
    return c.body(null, 204);
  });

  // ── invite (admin) ────────────────────────────────────────────────────────────
  // GoTrue's POST /invite (supabase-js auth.admin.inviteUserByEmail): `{ email, data }`.
  // A new address becomes an unconfirmed account without a password whose user_metadata
  // is `data`; an unconfirmed one is invited again; a confirmed one is 422 email_exists.
  // The answer is the user, with invited_at and confirmation_sent_at. There is no mailer
  // here: the invitation link is not sent anywhere.
  app.post('/invite', async (c) => {
    await requireAdmin(c);
    const params = await body(c);
    if (params.email !== undefined && typeof params.email !== 'string') {
      throw new AuthError(400, 'bad_json', 'Could not read Invite params: json: cannot unmarshal email');
    }
    if (params.data !== undefined && params.data !== null && !obj(params.data)) {
      throw new AuthError(400, 'bad_json', 'Could not read Invite params: json: cannot unmarshal data');
    }
    const email = str(params.email) ?? '';
    if (email === '') throw validationFailed('An email address is required');
    if (email.length > 255) throw validationFailed('An email address is too long');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      throw validationFailed('Unable to validate email address: invalid format');
    }
    const address = email.toLowerCase();
    const invited = await sql.begin(async (tx) => {
      let user = await findUserByEmail(tx, address);
      if (user?.email_confirmed_at) throw emailExists();
      user ??= await insertUser(tx, {
        email: address,
        passwordHash: '',
        emailConfirmed: false,
        phoneConfirmed: false,
        role: 'authenticated',
        appMetadata: { provider: 'email', providers: ['email'] },
        userMetadata: obj(params.data) ?? {},
        bannedUntil: null,
      });
      // GoTrue keeps a hash of the one-time token the invitation email carries.
      const confirmation = createHash('sha224')
        .update(address + randomBytes(16).toString('hex'))
        .digest('hex');
      const rows = await tx<UserRow[]>`
        update auth.users
           set invited_at = now(), confirmation_token = ${confirmation}, confirmation_sent_at = now(), updated_at = now()
         where id = ${user.id}
        returning *`;
      return userJson(tx, one(rows));
    });
    return c.json(invited);
  });

  // ── admin ─────────────────────────────────────────────────────────────────────
  app.use('/admin/*', async (c, next) => {
    await requireAdmin(c);
    await next();
  });

  function checkPassword(password: string): void {
    if (Buffer.byteLength(password) > 72) throw validationFailed('Password cannot be longer than 72 characters');
  }

  app.post('/admin/users', async (c) => {
    const params = await body(c);
    const email = str(params.email)?.trim().toLowerCase() || undefined;
    const rawPhone = str(params.phone);
    const phone = rawPhone ? normalizePhone(rawPhone) : undefined;
    if (!email && !phone) throw validationFailed('Cannot create a user without either an email or phone');
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw validationFailed('Unable to validate email address: invalid format');
    if (phone && !isE164Digits(phone)) throw validationFailed('Invalid phone number format (E.164 required)');
    const password = str(params.password);
    if (password !== undefined) checkPassword(password);
    const id = str(params.id);
    if (id !== undefined && !UUID_PATTERN.test(id)) throw validationFailed('ID must conform to the uuid v4 format');
    const banned = banUntil(params.ban_duration);
    const providers = [...(email ? ['email'] : []), ...(phone ? ['phone'] : [])];
    const emailConfirmed = params.email_confirm === true;
    const user = await sql.begin(async (tx) => {
      if (email && (await findUserByEmail(tx, email))) throw emailExists();
      if (phone && (await findUserByPhone(tx, phone))) throw phoneExists();
      const created = await insertUser(tx, {
        ...(id ? { id } : {}),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        passwordHash: await hashPassword(password ?? randomBytes(48).toString('base64url')),
        emailConfirmed,
        phoneConfirmed: params.phone_confirm === true,
        role: str(params.role) ?? 'authenticated',
        appMetadata: mergeMetadata({ provider: providers[0], providers }, obj(params.app_metadata)),
        userMetadata: mergeMetadata(emailConfirmed ? { email_verified: true } : {}, obj(params.user_metadata)),
        bannedUntil: banned ?? null,
      });
      return userJson(tx, created);
    });
    return c.json(user);
  });

  app.get('/admin/users', async (c) => {
    const page = positiveInteger(c.req.query('page'), 1, 'page');
    const perPage = Math.min(1000, positiveInteger(c.req.query('per_page'), 50, 'per_page'));
    const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`
      select count(*)::int as total from auth.users where instance_id = ${NIL_INSTANCE} and aud = ${AUDIENCE}`;
    const rows = await sql<UserRow[]>`
      select * from auth.users where instance_id = ${NIL_INSTANCE} and aud = ${AUDIENCE}
       order by created_at desc limit ${perPage} offset ${(page - 1) * perPage}`;
    const last = Math.max(1, Math.ceil(total / perPage));
    const links = [
      ...(page < last ? [`</admin/users?page=${page + 1}&per_page=${perPage}>; rel="next"`] : []),
      `</admin/users?page=${total === 0 ? 0 : last}&per_page=${perPage}>; rel="last"`,
    ];
    return c.json({ users: rows.map((u) => serializeUser(u, [])), aud: AUDIENCE }, 200, {
      'x-total-count': String(total),
      link: links.join(', '),
    });
  });

  async function loadUser(c: Context): Promise<UserRow> {
    const id = c.req.param('id') ?? '';
    if (!UUID_PATTERN.test(id)) throw validationFailed('user_id must be an UUID', 404);
    const user = await findUserById(sql, id);
    if (!user) throw userNotFound();
    return user;
  }

  app.get('/admin/users/:id', async (c) => c.json(await userJson(sql, await loadUser(c))));

  app.put('/admin/users/:id', async (c) => {
    const current = await loadUser(c);
    const params = await body(c);
    const email = str(params.email)?.trim().toLowerCase();
    const rawPhone = str(params.phone);
    const phone = rawPhone !== undefined ? normalizePhone(rawPhone) : undefined;
    const password = str(params.password);
    if (password !== undefined) checkPassword(password);
    if (phone && !isE164Digits(phone)) throw validationFailed('Invalid phone number format (E.164 required)');
    const banned = banUntil(params.ban_duration);
    const newHash = password !== undefined ? await hashPassword(password) : null;
    const updated = await sql.begin(async (tx) => {
      if (email && email !== current.email && (await findUserByEmail(tx, email))) throw emailExists();
      if (phone && phone !== current.phone && (await findUserByPhone(tx, phone))) throw phoneExists();
      const appMeta = obj(params.app_metadata)
        ? mergeMetadata(current.raw_app_meta_data ?? {}, obj(params.app_metadata))
        : null;
      const userMeta = obj(params.user_metadata)
        ? mergeMetadata(current.raw_user_meta_data ?? {}, obj(params.user_metadata))
        : null;
      const updatedRows = await tx<UserRow[]>`
        update auth.users set
          email = coalesce(${email ?? null}, email),
          phone = coalesce(${phone ?? null}, phone),
          encrypted_password = coalesce(${newHash}, encrypted_password),
          email_confirmed_at = case when ${params.email_confirm === true} then coalesce(email_confirmed_at, now()) else email_confirmed_at end,
          phone_confirmed_at = case when ${params.phone_confirm === true} then coalesce(phone_confirmed_at, now()) else phone_confirmed_at end,
          raw_app_meta_data = coalesce(${appMeta ? tx.json(appMeta as postgres.JSONValue) : null}, raw_app_meta_data),
          raw_user_meta_data = coalesce(${userMeta ? tx.json(userMeta as postgres.JSONValue) : null}, raw_user_meta_data),
          role = coalesce(${str(params.role) ?? null}, role),
          banned_until = case when ${params.ban_duration !== undefined} then ${banned ?? null}::timestamptz else banned_until end,
          updated_at = now()
        where id = ${current.id}
        returning *`;
      // A new password ends every session, as in GoTrue.
      if (password !== undefined) await tx`delete from auth.sessions where user_id = ${current.id}`;
      // A new email updates (or creates) the email identity, as GoTrue's admin API does.
      if (email && email !== current.email) {
        const data = { sub: current.id, email, email_verified: false, phone_verified: false };
        await tx`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
                 values (${current.id}, ${current.id}, ${tx.json(data)}, 'email', now(), now())
                 on conflict (provider_id, provider)
                 do update set identity_data = auth.identities.identity_data || excluded.identity_data, updated_at = now()`;
      }
      return userJson(tx, one(updatedRows));
    });
    return c.json(updated);
  });

  app.delete('/admin/users/:id', async (c) => {
    const user = await loadUser(c);
    const params = await body(c).catch(() => ({}) as Record<string, unknown>);
    if (params.should_soft_delete === true) {
      await sql.begin(async (tx) => {
        await tx`delete from auth.sessions where user_id = ${user.id}`;
        await tx`delete from auth.identities where user_id = ${user.id}`;
        await tx`update auth.users set deleted_at = now(), encrypted_password = null, updated_at = now() where id = ${user.id}`;
      });
    } else {
      await sql`delete from auth.users where id = ${user.id}`;
    }
    return c.json({});
  });

  app.onError((error, c) => {
    if (error instanceof AuthError) return errorResponse(error, c.req.header('x-supabase-api-version'));
    console.error(`[auth] ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return errorResponse(
      new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'),
      c.req.header('x-supabase-api-version'),
    );
  });
  app.notFound((c) =>
    errorResponse(new AuthError(404, 'not_found', 'Not found'), c.req.header('x-supabase-api-version')),
  );
  return app;
}

/** GoTrue merges metadata maps: keys set to null are removed. */
function mergeMetadata(
  base: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const merged = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

/** A query parameter that must be a positive integer when given (GoTrue: 400 otherwise). */
function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw validationFailed(`Bad Pagination Parameters: ${name} must be a positive integer`);
  return parsed;
}

/** The single row a statement must return. */
function one<T>(rows: readonly T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('expected a row');
  return row;
}

function banUntil(value: unknown): Date | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const ms = typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (ms === undefined) throw validationFailed(`invalid format for ban duration: ${String(value)}`);
  return new Date(Date.now() + ms);
}
