/** The `admin` function: every admin-panel read and action. */
import { ZAdminMeResponse, type TAdminMeResponse } from '../../../packages/contracts/src/admin/me.ts';
import { createFunctionApp } from '../_shared/app.ts';
import { authenticateUser } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { auditRoutes } from './audit.ts';
import { campaignRoutes } from './campaigns.ts';
import { dashboardRoutes } from './dashboard.ts';
import { insuranceRoutes } from './insurance.ts';
import { settingsRoutes } from './settings.ts';
import { stationRoutes } from './stations.ts';
import { userRoutes } from './users.ts';
import { voucherRoutes } from './vouchers.ts';

export const app = createFunctionApp('admin');

app.get('/me', async (c) => {
  const caller = await authenticateUser(c.req.raw);
  // RLS lets everyone read their own admin_roles row and nothing else.
  const rows = await asCaller(
    caller,
    (tx) => tx<{ roles: string[] }[]>`select roles from public.admin_roles where user_id = auth.uid()`,
  );
  const body: TAdminMeResponse = ZAdminMeResponse.parse({
    id: caller.userId,
    email: caller.email,
    roles: rows[0]?.roles ?? [],
  });
  return c.json(body);
});

voucherRoutes(app);
dashboardRoutes(app);
stationRoutes(app);
settingsRoutes(app);
auditRoutes(app);
userRoutes(app);
campaignRoutes(app);
insuranceRoutes(app);
