import { callFunction } from '@easymo/client';
import { ZAdminMeResponse, type TAdminMeResponse } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { meKeys } from './keys.ts';

/** `GET /admin/me`: the caller's id, email and admin roles, read as the caller. */
export function fetchMe(): Promise<TAdminMeResponse> {
  return callFunction(supabase, 'admin/me', ZAdminMeResponse);
}

export function useMeQuery(userId: string) {
  return useQuery({ queryKey: meKeys.detail(userId), queryFn: fetchMe });
}
