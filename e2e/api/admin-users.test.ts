/**
 * Admin accounts and roles through the admin function: only super admins list, invite and
 * change roles (refusals create no account and change no row); an invite creates the
 * account through the auth server's invite API and grants the roles as the inviter
 * (granted_by stamped by the database, the change audited); grants and revokes; and the
 * last super admin, who cannot lose the role, also not to two concurrent demotions.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAdminUserResponse, ZListAdminUsersResponse } from '../../packages/contracts/src/admin/users.ts';
import { ADMIN_ID, fingerprint, makeAccount, OPERATOR_ID, signInAll, SUPPORT_ID, type Role } from '../support/admin.ts';
import { db, serviceClient, signIn, stack } from '../support/stack.ts';
import { call, type Json } from '../support/vouchers.ts';

const sql = db();
let as: Record<Role, SupabaseClient>;
const created: string[] = [];
const run = Date.now();
let serial = 0;
const freshEmail = (prefix = 'invitee') => `${prefix}-${run}-${++serial}@easymo.test`;

beforeAll(async () => {
  as = await signInAll();
});
afterAll(async () => {
  // The demo super admin keeps the role; accounts made here go (their roles with them).
  await sql`update public.admin_roles set roles = '{super_admin}' where user_id = ${ADMIN_ID} and roles <> '{super_admin}'`;
  if (created.length > 0) await sql`delete from auth.users where id = any(${created}::uuid[])`;
  await sql.end();
});

const rolesFingerprint = () => fingerprint(sql, 'public.admin_roles');
const usersFingerprint = () => fingerprint(sql, '(select id, email from auth.users)');
const invite = (client: SupabaseClient | null, body: Json) => call(client, 'POST', 'admin/users/invite', body);
const setRoles = (client: SupabaseClient | null, id: string, roles: unknown) =>
  call(client, 'PUT', `admin/users/${id}/roles`, { roles });

async function account(prefix: string) {
  const made = await makeAccount(prefix);
  created.push(made.id);
  return made;
}

describe('GET admin/users', () => {
  it('a super admin lists everyone holding a role, with emails, names and who granted them', async () => {
    const { status, body } = await call(as.admin, 'GET', 'admin/users');
    expect(status).toBe(200);
    const { items } = ZListAdminUsersResponse.parse(body);
    const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`select count(*)::int as n from public.admin_roles`;
    expect(items).toHaveLength(n);
    expect(items.find((u) => u.user_id === SUPPORT_ID)).toMatchObject({
      email: 'support@easymo.test',
      full_name: 'Samuel Support',
      roles: ['support'],
      granted_by: ADMIN_ID,
      granted_by_email: 'admin@easymo.test',
    });
    expect(items.find((u) => u.user_id === ADMIN_ID)).toMatchObject({ roles: ['super_admin'], granted_by: null });
    expect(items.find((u) => u.user_id === ADMIN_ID)?.last_sign_in_at).not.toBeNull();
  });

  it.each(['support', 'dataops', 'readonly', 'operator'] as const)('refuses %s (403)', async (role) => {
    const { status, body } = await call(as[role], 'GET', 'admin/users');
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
  });

  it('refuses callers without a session (401)', async () => {
    expect((await call(null, 'GET', 'admin/users')).status).toBe(401);
  });
});

describe('POST admin/users/invite', () => {
  it('creates the account (no password yet) and grants the roles as the inviter', async () => {
    const email = freshEmail();
    const { status, body } = await invite(as.admin, {
      email: `  ${email.toUpperCase()} `,
      full_name: 'Iris Invitee',
      roles: ['support', 'readonly', 'support'],
    });
    expect(status).toBe(201);
    const { user } = ZAdminUserResponse.parse(body);
    created.push(user.user_id);
    expect(user).toMatchObject({
      email,
      full_name: 'Iris Invitee',
      roles: ['readonly', 'support'],
      granted_by: ADMIN_ID,
      granted_by_email: 'admin@easymo.test',
      last_sign_in_at: null,
    });
    const [auth] = await sql`
      select email, encrypted_password, email_confirmed_at, invited_at, raw_user_meta_data
        from auth.users where id = ${user.user_id}`;
    expect(auth).toMatchObject({ email, encrypted_password: '', email_confirmed_at: null });
    expect(auth?.invited_at).toBeInstanceOf(Date);
    expect(auth?.raw_user_meta_data).toMatchObject({ full_name: 'Iris Invitee' });
    const [roles] =
      await sql`select roles, granted_by, granted_at from public.admin_roles where user_id = ${user.user_id}`;
    expect(roles).toMatchObject({ roles: ['readonly', 'support'], granted_by: ADMIN_ID });
    expect(Date.now() - (roles?.granted_at as Date).getTime()).toBeLessThan(60_000);
    const audit = await sql`
      select actor_id, action, diff from public.audit_log where target_table = 'admin_roles' and target_id = ${user.user_id}`;
    expect(audit).toEqual([
      {
        actor_id: ADMIN_ID,
        action: 'insert',
        diff: { after: expect.objectContaining({ roles: ['readonly', 'support'] }) },
      },
    ]);

    // No password was given: signing in fails until the invitation is accepted.
    await expect(signIn(email, stack.demoPassword)).rejects.toThrow(/Invalid login credentials/);
    // Accepting it (here: the admin API sets the password and confirms) gives a working admin.
    await serviceClient().auth.admin.updateUserById(user.user_id, { password: 'accepted-invite', email_confirm: true });
    const invitee = (await signIn(email, 'accepted-invite')).client;
    expect((await call(invitee, 'GET', 'admin/me')).body).toMatchObject({ email, roles: ['readonly', 'support'] });
    expect((await call(invitee, 'GET', 'admin/dashboard')).status).toBe(200);
    expect((await call(invitee, 'GET', 'admin/users')).status).toBe(403);
  });

  it('inviting an address again before it is accepted sends the invite again and sets the roles', async () => {
    const email = freshEmail();
    const first = await invite(as.admin, { email, roles: ['readonly'] });
    created.push(first.body.user.user_id);
    const second = await invite(as.admin, { email, roles: ['data_ops'] });
    expect(second.status).toBe(201);
    expect(second.body.user).toMatchObject({ user_id: first.body.user.user_id, roles: ['data_ops'] });
    const [{ n } = { n: -1 }] = await sql<
      { n: number }[]
    >`select count(*)::int as n from auth.users where email = ${email}`;
    expect(n).toBe(1);
  });

  it('answers an address that already has an account with 409 conflict naming it, changing nothing', async () => {
    const [users, roles] = [await usersFingerprint(), await rolesFingerprint()];
    const { status, body } = await invite(as.admin, { email: 'Operator@easymo.test', roles: ['support'] });
    expect([status, body.error.code]).toEqual([409, 'conflict']);
    expect(body.error.details).toEqual({ user_id: OPERATOR_ID });
    expect([await usersFingerprint(), await rolesFingerprint()]).toEqual([users, roles]);
  });

  it.each([
    ['no roles', { email: 'x@easymo.test', roles: [] }],
    ['an unknown role', { email: 'x@easymo.test', roles: ['admin'] }],
    ['five roles', { email: 'x@easymo.test', roles: ['support', 'support', 'support', 'support', 'support'] }],
    ['no email', { roles: ['support'] }],
    ['an email without a domain', { email: 'someone', roles: ['support'] }],
    ['a blank full name', { email: 'x@easymo.test', roles: ['support'], full_name: '  ' }],
    ['an unknown field', { email: 'x@easymo.test', roles: ['support'], password: 'x' }],
  ])('refuses %s with 400, creating no account', async (_what, request) => {
    const [users, roles] = [await usersFingerprint(), await rolesFingerprint()];
    const { status, body } = await invite(as.admin, request);
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    expect([await usersFingerprint(), await rolesFingerprint()]).toEqual([users, roles]);
  });

  it.each(['support', 'dataops', 'readonly', 'operator'] as const)(
    'refuses %s (403) before any account is made',
    async (role) => {
      const email = freshEmail('refused');
      const roles = await rolesFingerprint();
      const { status, body } = await invite(as[role], { email, roles: ['super_admin'] });
      expect([status, body.error.code]).toEqual([403, 'forbidden']);
      expect(await sql`select 1 from auth.users where email = ${email}`).toHaveLength(0);
      expect(await rolesFingerprint()).toBe(roles);
    },
  );

  it('refuses callers without a session (401)', async () => {
    const email = freshEmail('anon');
    expect((await invite(null, { email, roles: ['support'] })).status).toBe(401);
    expect(await sql`select 1 from auth.users where email = ${email}`).toHaveLength(0);
  });
});

describe('PUT admin/users/:id/roles', () => {
  it('grants roles to an account that had none, then changes and revokes them; every change stamped and audited', async () => {
    const target = await account('promoted');
    const granted = await setRoles(as.admin, target.id, ['data_ops']);
    expect(granted.status).toBe(200);
    expect(granted.body.user).toMatchObject({
      user_id: target.id,
      email: target.email,
      roles: ['data_ops'],
      granted_by: ADMIN_ID,
    });
    const person = (await signIn(target.email)).client;
    expect((await call(person, 'GET', 'admin/stations')).status).toBe(200);

    const changed = await setRoles(as.admin, target.id, ['support', 'readonly']);
    expect(changed.body.user.roles).toEqual(['readonly', 'support']);

    const revoked = await setRoles(as.admin, target.id, []);
    expect(revoked.status).toBe(200);
    expect(revoked.body.user.roles).toEqual([]);
    const [row] = await sql`select roles, granted_by from public.admin_roles where user_id = ${target.id}`;
    expect(row).toEqual({ roles: [], granted_by: ADMIN_ID });
    // The revoke takes effect on the next request, not at the next token refresh.
    expect((await call(person, 'GET', 'admin/stations')).status).toBe(403);

    const audit = await sql<{ action: string; actor_id: string; diff: Json }[]>`
      select action, actor_id, diff from public.audit_log where target_table = 'admin_roles' and target_id = ${target.id}
       order by seq`;
    expect(audit.map((a) => [a.action, a.actor_id])).toEqual([
      ['insert', ADMIN_ID],
      ['update', ADMIN_ID],
      ['update', ADMIN_ID],
    ]);
    expect(audit[2]?.diff).toMatchObject({ before: { roles: ['readonly', 'support'] }, after: { roles: [] } });

    // Still listed: they held a role.
    const list = await call(as.admin, 'GET', 'admin/users');
    expect(list.body.items.find((u: Json) => u.user_id === target.id)).toMatchObject({ roles: [] });

    // The same set again writes nothing.
    await setRoles(as.admin, target.id, []);
    expect(
      await sql`select 1 from public.audit_log where target_table = 'admin_roles' and target_id = ${target.id}`,
    ).toHaveLength(3);
  });

  it.each([
    ['an account nobody has', '00000000-0000-4000-8000-000000000000', ['support'], 404, 'not_found'],
    ['an id that is not a UUID', 'admin@easymo.test', ['support'], 404, 'not_found'],
    ['an unknown role', SUPPORT_ID, ['owner'], 400, 'invalid_request'],
    ['roles that are not a list', SUPPORT_ID, 'support', 400, 'invalid_request'],
  ])('refuses %s, changing nothing', async (_what, id, roles, expected, code) => {
    const before = await rolesFingerprint();
    const { status, body } = await setRoles(as.admin, id, roles);
    expect([status, body.error.code]).toEqual([expected, code]);
    expect(await rolesFingerprint()).toBe(before);
  });

  it.each(['support', 'dataops', 'readonly', 'operator'] as const)(
    'refuses %s (403), changing nothing',
    async (role) => {
      const before = await rolesFingerprint();
      const self = await setRoles(as[role], SUPPORT_ID, ['super_admin']);
      expect([self.status, self.body.error.code]).toEqual([403, 'forbidden']);
      expect(await rolesFingerprint()).toBe(before);
    },
  );

  it('refuses to take the role from the last super admin (409), also when it is themselves', async () => {
    const before = await rolesFingerprint();
    const { status, body } = await setRoles(as.admin, ADMIN_ID, ['readonly']);
    expect([status, body.error.code]).toEqual([409, 'conflict']);
    expect(body.error.message).toMatch(/last super admin/);
    const none = await setRoles(as.admin, ADMIN_ID, []);
    expect(none.status).toBe(409);
    expect(await rolesFingerprint()).toBe(before);
  });

  it('lets a super admin step down once another one exists', async () => {
    const second = await account('second-super');
    expect((await setRoles(as.admin, second.id, ['super_admin'])).status).toBe(200);
    const other = (await signIn(second.email)).client;
    expect((await setRoles(as.admin, ADMIN_ID, ['readonly'])).status).toBe(200);
    // Now the other one is the last.
    expect((await setRoles(other, second.id, ['support'])).status).toBe(409);
    expect((await setRoles(other, ADMIN_ID, ['super_admin'])).status).toBe(200);
    expect((await setRoles(as.admin, second.id, [])).status).toBe(200);
  });

  it('of two concurrent demotions that would leave no super admin, exactly one succeeds', async () => {
    const second = await account('racer');
    await setRoles(as.admin, second.id, ['super_admin']);
    const asUser = (tx: postgres.TransactionSql, id: string) =>
      tx`select set_config('role', 'authenticated', true),
                set_config('request.jwt.claims', ${JSON.stringify({ sub: id, role: 'authenticated' })}, true)`;
    // Each super admin removes their own role; the first holds its transaction open.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = sql.begin(async (tx) => {
      await asUser(tx, ADMIN_ID);
      await tx`update public.admin_roles set roles = '{readonly}' where user_id = ${ADMIN_ID}`;
      await held;
    });
    const other = db();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const racing = other.begin(async (tx) => {
        await asUser(tx, second.id);
        await tx`update public.admin_roles set roles = '{readonly}' where user_id = ${second.id}`;
      });
      // The second waits for the first to finish before it can judge.
      const early = await Promise.race([
        racing.then(
          () => 'done',
          () => 'failed',
        ),
        new Promise((r) => setTimeout(() => r('waiting'), 300)),
      ]);
      expect(early).toBe('waiting');
      release();
      await first;
      await expect(racing).rejects.toMatchObject({ code: '23514', message: expect.stringMatching(/last super admin/) });
    } finally {
      release();
      await other.end();
    }
    const supers = await sql`select user_id from public.admin_roles where 'super_admin' = any (roles)`;
    expect(supers).toEqual([{ user_id: second.id }]);
    // Put the demo super admin back.
    const racer = (await signIn(second.email)).client;
    expect((await setRoles(racer, ADMIN_ID, ['super_admin'])).status).toBe(200);
    expect((await setRoles(as.admin, second.id, [])).status).toBe(200);
  });
});
