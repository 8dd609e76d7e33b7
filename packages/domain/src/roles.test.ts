import { describe, expect, it } from 'vitest';
import { ADMIN_ROLES, isAdmin, isAdminRole, roleLabel } from './roles.ts';

describe('admin roles', () => {
  it('accepts exactly the four roles of the data model', () => {
    expect([...ADMIN_ROLES].sort()).toEqual(['data_ops', 'readonly', 'super_admin', 'support']);
    for (const role of ADMIN_ROLES) expect(isAdminRole(role)).toBe(true);
    for (const other of ['admin', 'SUPER_ADMIN', 'service_role', 'authenticated', '']) {
      expect(isAdminRole(other)).toBe(false);
    }
  });

  it('treats an account without roles as not an admin', () => {
    expect(isAdmin([])).toBe(false);
    expect(isAdmin(['readonly'])).toBe(true);
  });

  it('labels every role for people', () => {
    expect(ADMIN_ROLES.map(roleLabel)).toEqual(['Super admin', 'Support', 'Data ops', 'Read-only']);
  });
});
