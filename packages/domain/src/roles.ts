/**
 * Admin roles, as stored in `admin_roles.roles`. The database decides what each role
 * may do (RLS); the apps use these to show only what a role can use.
 */
export const ADMIN_ROLES = ['super_admin', 'support', 'data_ops', 'readonly'] as const;

export type AdminRole = (typeof ADMIN_ROLES)[number];

export function isAdminRole(value: string): value is AdminRole {
  return (ADMIN_ROLES as readonly string[]).includes(value);
}

/** True when the account holds at least one admin role (may open the admin panel). */
export function isAdmin(roles: readonly AdminRole[]): boolean {
  return roles.length > 0;
}

const ROLE_LABELS: Record<AdminRole, string> = {
  super_admin: 'Super admin',
  support: 'Support',
  data_ops: 'Data ops',
  readonly: 'Read-only',
};

export function roleLabel(role: AdminRole): string {
  return ROLE_LABELS[role];
}
