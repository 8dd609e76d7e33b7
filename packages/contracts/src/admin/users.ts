/**
 * Admin users and their roles (super_admin only; RLS on admin_roles decides).
 *
 *   GET  /admin/users              everyone holding or having held an admin role
 *   POST /admin/users/invite       create the account (GoTrue invite) and grant roles
 *   PUT  /admin/users/:id/roles    set the roles: grants and revokes; [] revokes all
 *
 * Who granted and when are stamped by the database (admin_roles.granted_by/granted_at),
 * and every change is in the audit log. The last super admin cannot lose the role.
 */
import { z } from 'zod';
import { ZAdminRole, ZTimestamp, ZUuid } from '../fields.ts';

export const ZAdminUser = z.object({
  user_id: ZUuid,
  email: z.string().nullable(),
  full_name: z.string().nullable(),
  roles: z.array(ZAdminRole),
  granted_by: ZUuid.nullable(),
  granted_by_email: z.string().nullable(),
  granted_at: ZTimestamp,
  last_sign_in_at: ZTimestamp.nullable(),
});
export type TAdminUser = z.infer<typeof ZAdminUser>;

export const ZListAdminUsersResponse = z.object({ items: z.array(ZAdminUser) });
export type TListAdminUsersResponse = z.infer<typeof ZListAdminUsersResponse>;

const ZRoles = z
  .array(ZAdminRole)
  .max(4)
  .transform((roles) => [...new Set(roles)].sort());

export const ZInviteAdminRequest = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email()),
    full_name: z.string().trim().min(1).max(120).optional(),
    roles: ZRoles.refine((roles) => roles.length > 0, 'grant at least one role'),
  })
  .strict();
export type TInviteAdminRequest = z.input<typeof ZInviteAdminRequest>;

export const ZSetRolesRequest = z.object({ roles: ZRoles }).strict();
export type TSetRolesRequest = z.input<typeof ZSetRolesRequest>;

export const ZAdminUserResponse = z.object({ user: ZAdminUser });
export type TAdminUserResponse = z.infer<typeof ZAdminUserResponse>;
