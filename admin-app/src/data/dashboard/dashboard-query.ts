import { callFunction } from '@easymo/client';
import { ZDashboardResponse, type TDashboardResponse } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { dashboardKeys } from './keys.ts';

/** `GET /admin/dashboard`: period totals, the daily series, campaigns, queue sizes, stations. */
export function fetchDashboard(): Promise<TDashboardResponse> {
  return callFunction(supabase, 'admin/dashboard', ZDashboardResponse);
}

export function useDashboardQuery() {
  // The numbers move all day: refresh every minute while the page is open.
  return useQuery({ queryKey: dashboardKeys.all, queryFn: fetchDashboard, refetchInterval: 60_000 });
}
