/** `revolut_link`: the payment link sent to people paying by Revolut. */
import { ZRevolutLinkSetting, type TRevolutLinkSetting } from '@easymo/contracts';
import { useId, useState, type FormEvent } from 'react';
import { issueMessages } from '../../lib/errors.ts';

export function RevolutLinkEditor({
  value,
  readOnly,
  saving,
  serverErrors,
  onSave,
}: {
  value: TRevolutLinkSetting;
  readOnly: boolean;
  saving: boolean;
  serverErrors: Record<string, string>;
  onSave: (value: TRevolutLinkSetting) => void;
}) {
  const id = useId();
  const [url, setUrl] = useState(value.url);
  const [attempted, setAttempted] = useState(false);
  const parsed = ZRevolutLinkSetting.safeParse({ url });
  const localError = parsed.success ? undefined : issueMessages(parsed.error)['url'];
  const error = (attempted || url !== value.url ? localError : undefined) ?? serverErrors['url'];
  const dirty = (parsed.success ? parsed.data.url : url) !== value.url;

  function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    if (parsed.success) onSave(parsed.data);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Revolut link">
      <fieldset disabled={readOnly || saving} className="plain-fieldset">
        <label htmlFor={`${id}-url`}>Link</label>
        <div className="inline-field">
          <input
            id={`${id}-url`}
            type="url"
            inputMode="url"
            placeholder="https://revolut.me/name"
            value={url}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-error`}
            onChange={(e) => setUrl(e.target.value)}
          />
          {!readOnly && (
            <button type="submit" disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save link'}
            </button>
          )}
        </div>
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      </fieldset>
    </form>
  );
}
