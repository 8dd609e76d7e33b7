/**
 * Admin accounts and their roles (super_admin only: RLS on admin_roles lets others read
 * their own row and change nothing).
 *
 *   GET  /users              everyone holding or having held an admin role
 *   POST /users/invite       create the account (GoTrue invite, service-role key), then
 *                            grant the roles as the caller; 201
 *   PUT  /users/:id/roles    set an account's roles ([] revokes them all; the row stays)
 *
 * Roles are always written as the caller, so RLS judges the write and the stamp trigger
 * records granted_by/granted_at; the database refuses to leave no super_admin (409).
 */
import type { Hono } from 'hono';
import {
  ZAdminUserResponse,
  ZInviteAdminRequest,
  ZListAdminUsersResponse,
  ZSetRolesRequest,
  type TAdminUser,
} from '../../../packages/contracts/src/admin/users.ts';
import type { AdminRole } from '../../../packages/domain/src/roles.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { inviteUserByEmail } from '../_shared/auth-admin.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { UserError } from '../_shared/errors.ts';
import { jsonBody, uuidParam } from '../_shared/request.ts';
import { requireRole } from '../_shared/roles.ts';
import { directory, iso, isoOrNull } from './directory.ts';

const MANAGERS: AdminRole[] = ['super_admin'];

interface RoleRow {
  user_id: string;
  roles: AdminRole[];
  granted_by: string | null;
  granted_at: Date;
}

async function adminUsers(tx: Tx, only?: string): Promise<TAdminUser[]> {
  const rows = await tx<RoleRow[]>`
    select user_id, roles, granted_by, granted_at from public.admin_roles
     ${only ? tx`where user_id = ${only}` : tx``}`;
  const people = await directory(tx, [...rows.map((r) => r.user_id), ...rows.map((r) => r.granted_by)]);
  return rows
    .map((r) => {
      const person = people.get(r.user_id);
      return {
        user_id: r.user_id,
        email: person?.email ?? null,
        full_name: person?.full_name ?? null,
        roles: r.roles,
        granted_by: r.granted_by,
        granted_by_email: r.granted_by ? (people.get(r.granted_by)?.email ?? null) : null,
        granted_at: iso(r.granted_at),
        last_sign_in_at: isoOrNull(person?.last_sign_in_at),
      };
    })
    .sort((a, b) => (a.email ?? '\uffff').localeCompare(b.email ?? '\uffff') || a.user_id.localeCompare(b.user_id));
}

/** Sets the roles as the caller; an unchanged set is not written (the stamps keep the last real change). */
async function setRoles(tx: Tx, userId: string, roles: AdminRole[]): Promise<TAdminUser> {
  await tx`
    insert into public.admin_roles as ar (user_id, roles) values (${userId}, ${roles})
    on conflict (user_id) do update set roles = excluded.roles where ar.roles is distinct from excluded.roles`;
  const [user] = await adminUsers(tx, userId);
  if (!user) throw new Error('the roles were not saved');
  return user;
}

export function userRoutes(app: Hono): void {
  app.get('/users', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const items = await asCaller(caller, async (tx) => {
      await requireRole(tx, MANAGERS);
      return adminUsers(tx);
    });
    return c.json(ZListAdminUsersResponse.parse({ items }));
  });

  app.post('/users/invite', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const request = await jsonBody(c, ZInviteAdminRequest);
    // Refused callers must not create an account: the role check comes first.
    await asCaller(caller, (tx) => requireRole(tx, MANAGERS));
    const invited = await inviteUserByEmail(request.email, request.full_name ? { full_name: request.full_name } : {});
    if (invited.status === 'exists') {
      const [existing] = await asCaller(
        caller,
        (tx) => tx<{ id: string | null }[]>`select app.user_id_by_email(${request.email}) as id`,
      );
      throw new UserError('conflict', 'An account with this email already exists: set its roles instead', {
        user_id: existing?.id ?? null,
      });
    }
    const user = await asCaller(caller, (tx) => setRoles(tx, invited.user.id, request.roles));
    return c.json(ZAdminUserResponse.parse({ user }), 201);
  });

  app.put('/users/:id/roles', async (c) => {
    const caller = await authenticateUser(c.req.raw);
    const id = uuidParam(c, 'id', 'No account with this id');
    const { roles } = await jsonBody(c, ZSetRolesRequest);
    const user = await asCaller(caller, async (tx) => {
      await requireRole(tx, MANAGERS);
      if ((await directory(tx, [id])).size === 0) throw new UserError('not_found', 'No account with this id');
      return setRoles(tx, id, roles);
    });
    return c.json(ZAdminUserResponse.parse({ user }));
  });
}
