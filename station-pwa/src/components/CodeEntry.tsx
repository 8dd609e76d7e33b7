/**
 * Five boxes for a typed code. Each character is normalised as typed (lower case,
 * O → 0, I/L → 1) and impossible ones (U, punctuation) are refused with a hint; focus
 * moves on by itself, Backspace goes back, and a pasted code fills every box.
 */
import { CODE5_LENGTH, normalizeCodeChar } from '@easymo/domain';
import { useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

export function CodeEntry({ onSubmit }: { onSubmit: (code: string) => void }) {
  const { t } = useI18n();
  const [chars, setChars] = useState<string[]>(() => Array<string>(CODE5_LENGTH).fill(''));
  const [refused, setRefused] = useState<string | undefined>();
  const boxes = useRef<(HTMLInputElement | null)[]>([]);
  const complete = chars.every((c) => c !== '');

  const focus = (index: number) => boxes.current[Math.max(0, Math.min(index, CODE5_LENGTH - 1))]?.focus();

  function put(index: number, typed: string) {
    const next = [...chars];
    let at = index;
    for (const raw of typed) {
      if (at >= CODE5_LENGTH) break;
      const char = normalizeCodeChar(raw);
      if (char === '') continue; // spaces and dashes are how codes are read out, not characters
      if (char === undefined) {
        setRefused(raw);
        continue;
      }
      setRefused(undefined);
      next[at] = char;
      at += 1;
    }
    setChars(next);
    if (at !== index) focus(at);
  }

  function onKeyDown(index: number, event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Backspace' && chars[index] === '') {
      event.preventDefault();
      const next = [...chars];
      next[index - 1] = '';
      setChars(next);
      focus(index - 1);
    } else if (event.key === 'ArrowLeft') focus(index - 1);
    else if (event.key === 'ArrowRight') focus(index + 1);
  }

  function onPaste(index: number, event: ClipboardEvent<HTMLInputElement>) {
    event.preventDefault();
    put(index, event.clipboardData.getData('text').replace(/[\s-]/g, ''));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (complete) onSubmit(chars.join(''));
  }

  function clear() {
    setChars(Array<string>(CODE5_LENGTH).fill(''));
    setRefused(undefined);
    focus(0);
  }

  return (
    <form className="code-entry" onSubmit={submit} aria-describedby="code-help">
      <p id="code-help" className="muted">
        {t('or_type_code')}
      </p>
      <div className="code-boxes">
        {chars.map((char, index) => (
          <input
            key={index}
            ref={(el) => {
              boxes.current[index] = el;
            }}
            className="code-box"
            aria-label={t('code_box', { n: index + 1 })}
            inputMode="text"
            autoCapitalize="characters"
            autoComplete="off"
            autoCorrect="off"
            spellCheck={false}
            maxLength={CODE5_LENGTH}
            value={char}
            onChange={(e) => {
              const typed = e.target.value.slice(char ? 1 : 0) || e.target.value;
              if (typed === '') {
                const next = [...chars];
                next[index] = '';
                setChars(next);
              } else put(index, typed);
            }}
            onKeyDown={(e) => onKeyDown(index, e)}
            onPaste={(e) => onPaste(index, e)}
            onFocus={(e) => e.target.select()}
          />
        ))}
      </div>
      <p className="hint" role="status" aria-live="polite">
        {refused ? t('code_not_used', { char: refused }) : ''}
      </p>
      <div className="row">
        <button type="submit" className="big" disabled={!complete}>
          {t('check_code')}
        </button>
        <button type="button" className="secondary" onClick={clear}>
          {t('clear')}
        </button>
      </div>
    </form>
  );
}
