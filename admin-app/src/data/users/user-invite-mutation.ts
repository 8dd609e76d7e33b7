import { callFunction } from '@easymo/client';
import { ZAdminUserResponse, type TAdminUserResponse, type TInviteAdminRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { userKeys } from './keys.ts';

/** `POST /admin/users/invite`: create the account (an invitation email) and grant its roles. */
export function inviteAdmin(body: TInviteAdminRequest): Promise<TAdminUserResponse> {
  return callFunction(supabase, 'admin/users/invite', ZAdminUserResponse, { method: 'POST', body });
}

export function useUserInviteMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: inviteAdmin,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
  });
}
