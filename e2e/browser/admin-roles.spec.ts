/**
 * Each demo admin role in the panel: the pages and buttons it is shown follow the
 * permission table (packages/domain admin-permissions.ts), and what the panel hides the
 * server refuses too when called directly with that role's own session, changing nothing.
 */
import { can, type AdminAction } from '../../packages/domain/src/admin-permissions.ts';
import type { AdminRole } from '../../packages/domain/src/roles.ts';
import { ADMIN_LOGINS, callAdminApi, signInAdmin } from './admin-session.ts';
import { expect, test } from './fixtures.ts';

const NAV: { label: string; needs: AdminAction }[] = [
  { label: 'Dashboard', needs: 'panel.read' },
  { label: 'Vouchers', needs: 'panel.read' },
  { label: 'Campaigns', needs: 'panel.read' },
  { label: 'Insurance', needs: 'panel.read' },
  { label: 'Stations', needs: 'panel.read' },
  { label: 'Settings', needs: 'panel.read' },
  { label: 'Audit log', needs: 'panel.read' },
  { label: 'Admin users', needs: 'users.manage' },
];

/** Explicit expectations, so a wrong permission table cannot pass by agreeing with itself. */
const EXPECTED: Record<AdminRole, { issue: boolean; stations: boolean; settings: boolean; users: boolean }> = {
  super_admin: { issue: true, stations: true, settings: true, users: true },
  data_ops: { issue: true, stations: true, settings: false, users: false },
  support: { issue: false, stations: false, settings: false, users: false },
  readonly: { issue: false, stations: false, settings: false, users: false },
};

for (const [role, email] of Object.entries(ADMIN_LOGINS) as [AdminRole, string][]) {
  test(`${role}: sees the pages and actions of its role, and the server refuses the rest`, async ({ page }) => {
    const expected = EXPECTED[role];
    expect(can([role], 'vouchers.issue')).toBe(expected.issue);
    expect(can([role], 'stations.edit')).toBe(expected.stations);
    expect(can([role], 'settings.edit')).toBe(expected.settings);
    expect(can([role], 'users.manage')).toBe(expected.users);

    await signInAdmin(page, email);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link')).toHaveText(NAV.filter((n) => can([role], n.needs)).map((n) => n.label));

    // Vouchers: everyone exports; only issuers see issue buttons.
    await nav.getByRole('link', { name: 'Vouchers' }).click();
    await expect(page.getByRole('heading', { name: 'Vouchers', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Export CSV' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Issue voucher' })).toHaveCount(expected.issue ? 1 : 0);
    await expect(page.getByRole('button', { name: 'Bulk issue (CSV)' })).toHaveCount(expected.issue ? 1 : 0);

    await nav.getByRole('link', { name: 'Stations' }).click();
    await expect(page.getByRole('heading', { name: 'Stations', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'New station' })).toHaveCount(expected.stations ? 1 : 0);

    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save quiet hours' })).toHaveCount(expected.settings ? 1 : 0);

    // A page the role may not use is not there even by its address.
    await page.goto(`${process.env.ADMIN_URL}/users`);
    if (expected.users) {
      await expect(page.getByRole('button', { name: 'Invite admin' })).toBeVisible();
    } else {
      await expect(page.getByText('Nothing here')).toBeVisible();
    }

    // Straight to the API with this role's own session: hidden means refused, and nothing changes.
    const stationsBefore = await callAdminApi(page, 'GET', 'stations');
    const settingsBefore = await callAdminApi(page, 'GET', 'settings');
    expect(stationsBefore.status).toBe(200);
    expect(settingsBefore.status).toBe(200);
    const attempts = [
      {
        allowed: expected.issue,
        call: () => callAdminApi(page, 'POST', 'vouchers', { msisdn: '+250788990001', amount: 1000 }),
      },
      {
        allowed: expected.stations,
        call: () =>
          callAdminApi(page, 'POST', 'stations', { name: 'Role probe', engencode: `PROBE-${role.toUpperCase()}` }),
      },
      {
        allowed: expected.settings,
        call: () => callAdminApi(page, 'PUT', 'settings/send_throttle', { value: { whatsapp: { per_minute: 7 } } }),
      },
      {
        allowed: expected.users,
        call: () =>
          callAdminApi(page, 'POST', 'users/invite', { email: `probe-${role}@easymo.test`, roles: ['readonly'] }),
      },
    ];
    for (const attempt of attempts.filter((a) => !a.allowed)) {
      const answer = await attempt.call();
      expect(answer.status).toBe(403);
      expect(answer.body.error?.code).toBe('forbidden');
    }
    const stationsAfter = await callAdminApi(page, 'GET', 'stations');
    const settingsAfter = await callAdminApi(page, 'GET', 'settings');
    expect(stationsAfter.body).toEqual(stationsBefore.body);
    expect((settingsAfter.body as { send_throttle: unknown }).send_throttle).toEqual(
      (settingsBefore.body as { send_throttle: unknown }).send_throttle,
    );
    if (!expected.users) expect((await callAdminApi(page, 'GET', 'users')).status).toBe(403);
  });
}
