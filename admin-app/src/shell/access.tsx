/**
 * The signed-in admin's roles, as the server reported them (`GET /admin/me`), for the
 * whole panel: `useCan('vouchers.void')` decides whether a button is shown. The server
 * enforces the same rules whatever the panel shows.
 */
import type { TAdminMeResponse } from '@easymo/contracts';
import { can, type AdminAction } from '@easymo/domain';
import { createContext, useContext, type ReactNode } from 'react';

const MeContext = createContext<TAdminMeResponse | null>(null);

export function MeProvider({ me, children }: { me: TAdminMeResponse; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useMe(): TAdminMeResponse {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside <MeProvider>');
  return me;
}

export function useCan(action: AdminAction): boolean {
  return can(useMe().roles, action);
}
