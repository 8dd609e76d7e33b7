import { describe, expect, it } from 'vitest';
import { can } from './admin-permissions.ts';

describe('admin permissions', () => {
  it('lets every admin role read the panel and no one without a role', () => {
    for (const role of ['super_admin', 'support', 'data_ops', 'readonly'] as const)
      expect(can([role], 'panel.read')).toBe(true);
    expect(can([], 'panel.read')).toBe(false);
  });

  it('keeps voucher and station changes to super admins and data ops', () => {
    expect(can(['data_ops'], 'vouchers.void')).toBe(true);
    expect(can(['support'], 'vouchers.issue')).toBe(false);
    expect(can(['readonly'], 'stations.edit')).toBe(false);
  });

  it('keeps settings and users to super admins, whatever else a user holds', () => {
    expect(can(['data_ops', 'support', 'readonly'], 'settings.edit')).toBe(false);
    expect(can(['readonly', 'super_admin'], 'users.manage')).toBe(true);
  });

  it('lets super admins and support run campaigns and see their targets, no one else', () => {
    for (const action of ['campaigns.run', 'campaigns.targets'] as const) {
      expect(can(['super_admin'], action)).toBe(true);
      expect(can(['support'], action)).toBe(true);
      expect(can(['data_ops', 'readonly'], action)).toBe(false);
    }
  });

  it('lets super admins and support decide insurance quotes and open their documents, no one else', () => {
    for (const action of ['quotes.review', 'quotes.documents'] as const) {
      expect(can(['super_admin'], action)).toBe(true);
      expect(can(['support'], action)).toBe(true);
      expect(can(['data_ops', 'readonly'], action)).toBe(false);
    }
  });
});
