/** `send_throttle`: how many WhatsApp messages go out per minute, across every sender. 0 pauses sending. */
import { ZSendThrottleSetting, type TSendThrottleSetting } from '@easymo/contracts';
import { useId, useState, type FormEvent } from 'react';
import { formatCount } from '../../lib/format.ts';
import { issueMessages } from '../../lib/errors.ts';

export function ThrottleEditor({
  value,
  readOnly,
  saving,
  serverErrors,
  onSave,
}: {
  value: TSendThrottleSetting;
  readOnly: boolean;
  saving: boolean;
  serverErrors: Record<string, string>;
  onSave: (value: TSendThrottleSetting) => void;
}) {
  const id = useId();
  const [text, setText] = useState(String(value.whatsapp.per_minute));
  const [attempted, setAttempted] = useState(false);

  const trimmed = text.trim();
  const parsed =
    trimmed === '' || !/^-?\d+(\.\d+)?$/.test(trimmed)
      ? null
      : ZSendThrottleSetting.safeParse({ whatsapp: { per_minute: Number(trimmed) } });
  const localError =
    parsed === null
      ? 'a whole number of messages per minute, 0 to 6000'
      : parsed.success
        ? undefined
        : issueMessages(parsed.error)['whatsapp.per_minute'];
  const error = (attempted || trimmed !== '' ? localError : undefined) ?? serverErrors['whatsapp.per_minute'];
  const perMinute = parsed?.success ? parsed.data.whatsapp.per_minute : undefined;
  const dirty = perMinute !== value.whatsapp.per_minute;

  function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    if (parsed?.success) onSave(parsed.data);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Send throttle">
      <fieldset disabled={readOnly || saving} className="plain-fieldset">
        <label htmlFor={`${id}-rate`}>WhatsApp messages per minute</label>
        <div className="inline-field">
          <input
            id={`${id}-rate`}
            className="narrow"
            inputMode="numeric"
            value={text}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-help`}
            onChange={(e) => setText(e.target.value)}
          />
          {!readOnly && (
            <button type="submit" disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save throttle'}
            </button>
          )}
        </div>
        <div id={`${id}-help`}>
          {error ? (
            <span className="field-error">{error}</span>
          ) : perMinute === 0 ? (
            <p className="notice warning-notice" role="status" data-testid="throttle-paused">
              0 pauses sending: no campaign or voucher message goes out until this is raised again.
            </p>
          ) : perMinute !== undefined ? (
            <span className="muted">
              About {formatCount(perMinute * 60)} messages an hour at most, shared by every campaign and voucher send.
            </span>
          ) : null}
        </div>
      </fieldset>
    </form>
  );
}
