/**
 * What each admin role may do in the panel. The database decides (RLS and the
 * functions' role checks); the panel uses this table only to show a role the pages and
 * buttons it can use. e2e/browser/admin-roles.spec.ts checks it against the server.
 */
import type { AdminRole } from './roles.ts';

export const ADMIN_ACTIONS = {
  /** Read the dashboard, vouchers, stations, campaigns, settings and the audit log. */
  'panel.read': ['super_admin', 'support', 'data_ops', 'readonly'],
  'vouchers.issue': ['super_admin', 'data_ops'],
  'vouchers.void': ['super_admin', 'data_ops'],
  'vouchers.resend': ['super_admin', 'data_ops'],
  'stations.edit': ['super_admin', 'data_ops'],
  'settings.edit': ['super_admin'],
  'users.manage': ['super_admin'],
  /** Create, edit and delete draft campaigns; start, pause, resume and finish them. */
  'campaigns.run': ['super_admin', 'support'],
  /** See campaign targets (drivers' numbers and personal variables): import, list, retry, estimate. */
  'campaigns.targets': ['super_admin', 'support'],
  /** Approve insurance quotes or send them back for changes. */
  'quotes.review': ['super_admin', 'support'],
  /** Open drivers' uploaded documents (the docs bucket): identity papers, so reviewers only. */
  'quotes.documents': ['super_admin', 'support'],
} as const satisfies Record<string, readonly AdminRole[]>;

export type AdminAction = keyof typeof ADMIN_ACTIONS;

export function can(roles: readonly AdminRole[], action: AdminAction): boolean {
  const allowed: readonly AdminRole[] = ADMIN_ACTIONS[action];
  return roles.some((role) => allowed.includes(role));
}
