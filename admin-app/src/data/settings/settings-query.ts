import { callFunction } from '@easymo/client';
import { ZSettingsResponse, type TSettingsResponse } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { settingsKeys } from './keys.ts';

/** `GET /admin/settings`: every editable setting, the opt-out count, who changed each and when. */
export function fetchSettings(): Promise<TSettingsResponse> {
  return callFunction(supabase, 'admin/settings', ZSettingsResponse);
}

export function useSettingsQuery() {
  return useQuery({ queryKey: settingsKeys.detail(), queryFn: fetchSettings });
}
