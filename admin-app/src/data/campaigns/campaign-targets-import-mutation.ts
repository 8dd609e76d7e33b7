import { callFunction } from '@easymo/client';
import { ZImportTargetsResponse, type TImportTargetsRequest, type TImportTargetsResponse } from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { campaignKeys, campaignPath } from './keys.ts';

/**
 * `POST /admin/campaigns/:id/targets/import`: with `dry_run` the check of every row
 * (nothing stored); without, the accepted rows are stored and the rejected ones listed.
 */
export function importCampaignTargets({
  id,
  request,
}: {
  id: string;
  request: TImportTargetsRequest;
}): Promise<TImportTargetsResponse> {
  return callFunction(supabase, campaignPath(id, 'targets/import'), ZImportTargetsResponse, {
    method: 'POST',
    body: request,
  });
}

/** The dry run: changes nothing, so nothing is invalidated. */
export function useCampaignTargetsCheckMutation() {
  return useMutation({
    mutationFn: ({ id, csv, defaultCountry }: { id: string; csv: string; defaultCountry: string }) =>
      importCampaignTargets({ id, request: { csv, dry_run: true, default_country: defaultCountry } }),
  });
}

export function useCampaignTargetsImportMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, csv, defaultCountry }: { id: string; csv: string; defaultCountry: string }) =>
      importCampaignTargets({ id, request: { csv, dry_run: false, default_country: defaultCountry } }),
    onSuccess: (_result, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: campaignKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: campaignKeys.estimate(id) }),
        queryClient.invalidateQueries({ queryKey: campaignKeys.targets(id) }),
        queryClient.invalidateQueries({ queryKey: campaignKeys.lists() }),
      ]),
  });
}
