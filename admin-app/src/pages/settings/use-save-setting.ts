/** Saving one setting from its editor: the mutation, a toast either way, the server's field messages. */
import type { EditableSettingKey } from '@easymo/contracts';
import { useToast } from '../../components/Toaster.tsx';
import {
  useSettingsUpdateMutation,
  type SettingUpdate,
  type SettingValue,
} from '../../data/settings/settings-update-mutation.ts';
import { errorMessage, fieldErrors, withoutPrefix } from '../../lib/errors.ts';

export function useSaveSetting<K extends EditableSettingKey>(key: K, label: string) {
  const mutation = useSettingsUpdateMutation();
  const toast = useToast();
  function save(value: SettingValue<K>, onSaved?: () => void) {
    mutation.mutate({ key, value } as SettingUpdate, {
      onSuccess: () => {
        toast.show('success', `${label} saved`);
        onSaved?.();
      },
      onError: (error) => toast.show('error', `${label} not saved: ${errorMessage(error)}`),
    });
  }
  return {
    save,
    saving: mutation.isPending,
    /** Field messages from a 400, keyed without the leading "value." */
    serverErrors: withoutPrefix(fieldErrors(mutation.error), 'value'),
    error: mutation.error,
  };
}
