import { callFunction } from '@easymo/client';
import { ZAdminUserResponse, type TAdminUserResponse, type TSetRolesRequest } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { meKeys } from '../me/keys.ts';
import { userKeys } from './keys.ts';

/** `PUT /admin/users/:id/roles`: the account's roles from now on ([] revokes them all). */
export function setAdminRoles({
  userId,
  body,
}: {
  userId: string;
  body: TSetRolesRequest;
}): Promise<TAdminUserResponse> {
  return callFunction(supabase, `admin/users/${encodeURIComponent(userId)}/roles`, ZAdminUserResponse, {
    method: 'PUT',
    body,
  });
}

export function useUserRolesUpdateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setAdminRoles,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      // A super admin may have changed their own roles: the panel shows what they now may do.
      void queryClient.invalidateQueries({ queryKey: meKeys.all });
      return queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
  });
}
