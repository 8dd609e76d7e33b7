/**
 * The signed-in panel: navigation for what the role may use, the signed-in account,
 * and one page at a time, each inside its own error boundary.
 */
import { roleLabel, can } from '@easymo/domain';
import type { ComponentType } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import { EmptyState } from '../components/states.tsx';
import { AccountPage } from '../pages/AccountPage.tsx';
import { AuditPage } from '../pages/audit/AuditPage.tsx';
import { CampaignPage } from '../pages/campaigns/CampaignPage.tsx';
import { CampaignsPage } from '../pages/campaigns/CampaignsPage.tsx';
import { DashboardPage } from '../pages/dashboard/DashboardPage.tsx';
import { QuotePage } from '../pages/insurance/QuotePage.tsx';
import { QuotesPage } from '../pages/insurance/QuotesPage.tsx';
import { SettingsPage } from '../pages/settings/SettingsPage.tsx';
import { StationsPage } from '../pages/stations/StationsPage.tsx';
import { UsersPage } from '../pages/users/UsersPage.tsx';
import { VouchersPage } from '../pages/vouchers/VouchersPage.tsx';
import { useMe } from './access.tsx';
import { PAGES } from './pages.ts';

/** Pages below a listed page (a campaign of /campaigns), shown to whoever sees the parent page. */
const DETAILS: Record<string, { path: string; component: ComponentType }> = {
  '/campaigns': { path: '/campaigns/:id', component: CampaignPage },
  '/insurance': { path: '/insurance/:id', component: QuotePage },
};

const COMPONENTS: Record<string, ComponentType> = {
  '/': DashboardPage,
  '/vouchers': VouchersPage,
  '/campaigns': CampaignsPage,
  '/insurance': QuotesPage,
  '/stations': StationsPage,
  '/settings': SettingsPage,
  '/audit': AuditPage,
  '/users': UsersPage,
};

export function Shell({ onSignOut }: { onSignOut: () => void }) {
  const me = useMe();
  const [location] = useLocation();
  const visible = PAGES.filter((page) => can(me.roles, page.needs));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">easyMO Admin</span>
        <span className="spacer" />
        <Link href="/account" className="muted account-link" data-testid="signed-in-as">
          {me.email} · {me.roles.map(roleLabel).join(', ')}
        </Link>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div className="frame">
        <nav className="sidebar" aria-label="Main">
          <ul>
            {visible.map((page) => {
              const current = page.path === '/' ? location === '/' : location.startsWith(page.path);
              return (
                <li key={page.path}>
                  <Link href={page.path} aria-current={current ? 'page' : undefined}>
                    {page.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main className="content" id="main" tabIndex={-1}>
          <ErrorBoundary resetKey={location}>
            <Switch>
              {visible.map((page) => {
                const Page = COMPONENTS[page.path] as ComponentType;
                return <Route key={page.path} path={page.path} component={Page} />;
              })}
              {visible.flatMap((page) => {
                const detail = DETAILS[page.path];
                return detail ? [<Route key={detail.path} path={detail.path} component={detail.component} />] : [];
              })}
              <Route path="/account" component={AccountPage} />
              <Route>
                <EmptyState title="Nothing here">
                  This page does not exist or your role cannot open it. <Link href="/">Go to the dashboard</Link>.
                </EmptyState>
              </Route>
            </Switch>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
