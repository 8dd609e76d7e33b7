/** The panel's pages, in navigation order, with what a role needs to see each. */
import type { AdminAction } from '@easymo/domain';

export interface PageLink {
  path: string;
  label: string;
  needs: AdminAction;
}

export const PAGES: readonly PageLink[] = [
  { path: '/', label: 'Dashboard', needs: 'panel.read' },
  { path: '/vouchers', label: 'Vouchers', needs: 'panel.read' },
  { path: '/campaigns', label: 'Campaigns', needs: 'panel.read' },
  { path: '/insurance', label: 'Insurance', needs: 'panel.read' },
  { path: '/stations', label: 'Stations', needs: 'panel.read' },
  { path: '/settings', label: 'Settings', needs: 'panel.read' },
  { path: '/audit', label: 'Audit log', needs: 'panel.read' },
  { path: '/users', label: 'Admin users', needs: 'users.manage' },
];
