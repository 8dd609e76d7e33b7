import { callFunction } from '@easymo/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/** `DELETE /admin/campaigns/:id`: a draft and its targets are gone (a campaign that ran stays). */
export function deleteCampaign(id: string): Promise<unknown> {
  return callFunction(supabase, campaignPath(id), z.unknown(), { method: 'DELETE' });
}

export function useCampaignDeleteMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCampaign,
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: campaignKeys.detail(id) });
      queryClient.removeQueries({ queryKey: campaignKeys.targets(id) });
      return queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
