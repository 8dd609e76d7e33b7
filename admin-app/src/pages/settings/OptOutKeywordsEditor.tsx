/**
 * `opt_out_keywords`: the words that opt a sender out when a WhatsApp message is exactly
 * one of them (STOP, HAGARIKA…), and the words that opt them back in (START…). Typed as
 * comma- or space-separated lists and shown as the upper-case words the server keeps;
 * checked with ZOptOutKeywordsSetting (one word each, 2 to 20 letters or digits, at least
 * one stop word, no word in both lists) before saving.
 */
import { ZOptOutKeywordsSetting, type TOptOutKeywordsSetting } from '@easymo/contracts';
import { useId, useState, type FormEvent } from 'react';
import { issueMessages } from '../../lib/errors.ts';

/** "stop, Stopall  quit" → ["stop", "Stopall", "quit"]: commas, spaces and new lines separate words. */
export function splitWords(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/** The messages for one list: a word's own problem names the word ("sto p" → "P: 2 to 20…"). */
function listMessage(messages: Record<string, string>, list: 'stop' | 'resume', words: string[]): string | undefined {
  for (const [path, message] of Object.entries(messages)) {
    const [head, index] = path.split('.');
    if (head !== list) continue;
    if (index === undefined || index === '') return message;
    const word = words[Number(index)];
    return word === undefined ? message : `${word.toUpperCase()}: ${message}`;
  }
  return undefined;
}

const sameWords = (a: string[], b: string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

export function OptOutKeywordsEditor({
  value,
  readOnly,
  saving,
  serverErrors,
  onSave,
}: {
  value: TOptOutKeywordsSetting;
  readOnly: boolean;
  saving: boolean;
  /** Field messages from the server, keyed "stop.0", "resume" (see withoutPrefix). */
  serverErrors: Record<string, string>;
  onSave: (value: TOptOutKeywordsSetting) => void;
}) {
  const id = useId();
  const [stopText, setStopText] = useState(value.stop.join(', '));
  const [resumeText, setResumeText] = useState(value.resume.join(', '));
  const [attempted, setAttempted] = useState(false);

  const stop = splitWords(stopText);
  const resume = splitWords(resumeText);
  const parsed = ZOptOutKeywordsSetting.safeParse({ stop, resume });
  const local = parsed.success ? {} : issueMessages(parsed.error);
  const stopChanged = !sameWords(stop, value.stop);
  const resumeChanged = !sameWords(resume, value.resume);
  const stopError =
    ((attempted || stopChanged) && listMessage(local, 'stop', stop)) || listMessage(serverErrors, 'stop', stop);
  const resumeError =
    ((attempted || resumeChanged) && listMessage(local, 'resume', resume)) ||
    listMessage(serverErrors, 'resume', resume);
  const dirty = parsed.success
    ? !sameWords(parsed.data.stop, value.stop) || !sameWords(parsed.data.resume, value.resume)
    : stopChanged || resumeChanged;

  function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    if (parsed.success) onSave(parsed.data);
    else document.getElementById(`${id}-${listMessage(local, 'stop', stop) ? 'stop' : 'resume'}`)?.focus();
  }

  const list = (
    field: 'stop' | 'resume',
    label: string,
    text: string,
    setText: (text: string) => void,
    words: string[],
    error: string | false | undefined,
    help: string,
  ) => (
    <div className="form-field keyword-field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <textarea
        id={`${id}-${field}`}
        rows={2}
        spellCheck={false}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-${field}-help`}
        onChange={(event) => setText(event.target.value)}
      />
      <div id={`${id}-${field}-help`}>
        {error ? <span className="field-error">{error}</span> : <span className="muted">{help}</span>}
      </div>
      {words.length > 0 && (
        <p className="keyword-chips" data-testid={`keywords-${field}`}>
          <span className="visually-hidden">Kept as: </span>
          {words.map((word, i) => (
            <code key={`${word}-${i}`} className="variable">
              {word.trim().toUpperCase()}
            </code>
          ))}
        </p>
      )}
    </div>
  );

  return (
    <form onSubmit={submit} noValidate aria-label="Opt-out keywords">
      <fieldset disabled={readOnly || saving} className="plain-fieldset">
        {list(
          'stop',
          'Stop words',
          stopText,
          setStopText,
          stop,
          stopError,
          'At least one. Separate the words with commas or spaces; case does not matter.',
        )}
        {list(
          'resume',
          'Resume words',
          resumeText,
          setResumeText,
          resume,
          resumeError,
          'A sender who sends one of these is messaged again, unless an admin put their number on the opt-out list. May be empty.',
        )}
        {!readOnly && (
          <div className="qh-actions">
            <span className="spacer" />
            <button type="submit" disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save keywords'}
            </button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
