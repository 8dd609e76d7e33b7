import { callFunction } from '@easymo/client';
import {
  ZPutSettingRequest,
  ZPutSettingResponse,
  type EDITABLE_SETTINGS,
  type EditableSettingKey,
  type TPutSettingResponse,
  type TSettingsResponse,
} from '@easymo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from '../audit/keys.ts';
import { settingsKeys } from './keys.ts';

export type SettingValue<K extends EditableSettingKey> = z.input<(typeof EDITABLE_SETTINGS)[K]>;

export interface SettingUpdate<K extends EditableSettingKey = EditableSettingKey> {
  key: K;
  value: SettingValue<K>;
}

/**
 * `PUT /admin/settings/:key` with `{ value }`. The body is checked with the same schema
 * the server uses (a ZodError here means the editor let something invalid through).
 */
export function updateSetting<K extends EditableSettingKey>({
  key,
  value,
}: SettingUpdate<K>): Promise<TPutSettingResponse> {
  const body = ZPutSettingRequest(key).parse({ value });
  return callFunction(supabase, `admin/settings/${key}`, ZPutSettingResponse, { method: 'PUT', body });
}

export function useSettingsUpdateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: SettingUpdate) => updateSetting(update),
    onSuccess: (saved) => {
      // Show the saved value and its author at once; the refetch confirms it.
      queryClient.setQueryData<TSettingsResponse>(settingsKeys.detail(), (current) =>
        current
          ? { ...current, [saved.key]: saved.value, changes: { ...current.changes, [saved.key]: saved.change } }
          : current,
      );
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return queryClient.invalidateQueries({ queryKey: settingsKeys.all });
    },
  });
}
