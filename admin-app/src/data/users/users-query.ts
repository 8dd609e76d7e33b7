import { callFunction } from '@easymo/client';
import { ZListAdminUsersResponse, type TListAdminUsersResponse } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { userKeys } from './keys.ts';

/** `GET /admin/users`: everyone holding or having held an admin role (super_admin only). */
export function fetchAdminUsers(): Promise<TListAdminUsersResponse> {
  return callFunction(supabase, 'admin/users', ZListAdminUsersResponse);
}

export function useAdminUsersQuery() {
  return useQuery({ queryKey: userKeys.list(), queryFn: fetchAdminUsers });
}
