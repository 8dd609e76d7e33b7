/**
 * Quiet hours by country: one row per country with a start and end time (local time of
 * the recipient's number). Checked with the schema the server uses (ZQuietHoursSetting),
 * row by row, before `onSave` gets the value; each valid row says in words what it does,
 * because "22:00 → 06:00" crossing midnight is the usual case and the easiest to misread.
 *
 * Times are typed as HH:MM text rather than <input type="time">: the browser's picker
 * shows 12-hour clocks in some locales and cannot show what was typed wrong.
 */
import { ZQuietHoursSetting, type TQuietHoursSetting } from '@easymo/contracts';
import { COUNTRIES, parseTime } from '@easymo/domain';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { jsonEqual } from '../../components/DiffViewer.tsx';
import { issueMessages } from '../../lib/errors.ts';

interface Row {
  /** Lower-case country code, the setting's key ("rw"). */
  country: string;
  start: string;
  end: string;
}

const regionNames = new Intl.DisplayNames('en', { type: 'region' });

export function countryName(code: string): string {
  const upper = code.toUpperCase();
  try {
    return regionNames.of(upper) ?? upper;
  } catch {
    return upper;
  }
}

const KNOWN = Object.values(COUNTRIES).map((c) => c.code.toLowerCase());

function toRows(value: TQuietHoursSetting): Row[] {
  return Object.entries(value).map(([country, w]) => ({ country, start: w.start, end: w.end }));
}

function toValue(rows: Row[]): TQuietHoursSetting {
  return Object.fromEntries(rows.map((r) => [r.country, { start: r.start, end: r.end }]));
}

/** What a valid window does, in words: "22:00 → 06:00 crosses midnight: quiet overnight…". */
export function quietHint(start: string, end: string): string | undefined {
  const from = parseTime(start);
  const to = parseTime(end);
  if (from === undefined || to === undefined || from === to) return undefined;
  return from > to
    ? `${start} → ${end} crosses midnight: quiet overnight, from ${start} until ${end} the next morning.`
    : `${start} → ${end}: quiet the same day, from ${start} until ${end}.`;
}

export function QuietHoursEditor({
  value,
  readOnly = false,
  saving = false,
  serverErrors = {},
  onSave,
}: {
  value: TQuietHoursSetting;
  readOnly?: boolean;
  saving?: boolean;
  /** Field messages from the server, keyed "rw.end" (see withoutPrefix). */
  serverErrors?: Record<string, string>;
  onSave: (value: TQuietHoursSetting) => void;
}) {
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() => toRows(value));
  const [attempted, setAttempted] = useState(false);
  const [adding, setAdding] = useState('');

  const draft = useMemo(() => toValue(rows), [rows]);
  const parsed = useMemo(() => ZQuietHoursSetting.safeParse(draft), [draft]);
  const errors = parsed.success ? {} : issueMessages(parsed.error);
  // Key order differs between what the server sends (jsonb) and the rows: compare as JSON values.
  const dirty = !jsonEqual(draft, value);
  const available = KNOWN.filter((code) => !rows.some((r) => r.country === code));
  const toAdd = available.includes(adding) ? adding : (available[0] ?? '');

  /**
   * A field's message shows once it holds a whole time (5 characters) or a save was
   * tried: not while "2", "22", "22:" are being typed, and not on blur, which would move
   * the Save button under a pointer that is pressing it.
   */
  function messageFor(row: Row, field: 'start' | 'end'): string | undefined {
    const key = `${row.country}.${field}`;
    const local = attempted || row[field].length >= 5 ? errors[key] : undefined;
    return local ?? serverErrors[key];
  }

  function change(country: string, field: 'start' | 'end', text: string) {
    setRows((all) => all.map((r) => (r.country === country ? { ...r, [field]: text.trim() } : r)));
  }

  function add() {
    if (!toAdd) return;
    setRows((all) => [...all, { country: toAdd, start: '22:00', end: '06:00' }]);
    setAdding('');
  }

  function remove(country: string) {
    setRows((all) => all.filter((r) => r.country !== country));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    if (!parsed.success) {
      // Put the cursor on the first thing to fix.
      const first = rows.find((r) => errors[`${r.country}.start`] || errors[`${r.country}.end`]);
      if (first) {
        const field = errors[`${first.country}.start`] ? 'start' : 'end';
        document.getElementById(`${id}-${first.country}-${field}`)?.focus();
      }
      return;
    }
    onSave(parsed.data);
  }

  const invalidCount = rows.filter((r) => errors[`${r.country}.start`] || errors[`${r.country}.end`]).length;

  return (
    <form className="quiet-hours" onSubmit={submit} noValidate aria-label="Quiet hours">
      <fieldset disabled={readOnly || saving} className="plain-fieldset">
        <legend className="visually-hidden">Quiet hours by country</legend>
        {rows.length === 0 ? (
          <p className="notice">No country has quiet hours: messages may go out at any time of day or night.</p>
        ) : (
          <ul className="qh-rows">
            {rows.map((row) => {
              const name = countryName(row.country);
              const startError = messageFor(row, 'start');
              const endError = messageFor(row, 'end');
              const hint = !startError && !endError ? quietHint(row.start, row.end) : undefined;
              const zone = COUNTRIES[row.country.toUpperCase()]?.timeZone;
              return (
                <li key={row.country} className="qh-row" role="group" aria-labelledby={`${id}-${row.country}-name`}>
                  <div className="qh-country">
                    <strong id={`${id}-${row.country}-name`}>{name}</strong>
                    <span className="muted">
                      {row.country.toUpperCase()}
                      {zone ? ` · ${zone}` : ''}
                    </span>
                  </div>
                  <label className="qh-time">
                    Start
                    <input
                      id={`${id}-${row.country}-start`}
                      inputMode="numeric"
                      placeholder="HH:MM"
                      value={row.start}
                      aria-invalid={startError ? true : undefined}
                      aria-describedby={`${id}-${row.country}-msg`}
                      onChange={(e) => change(row.country, 'start', e.target.value)}
                    />
                  </label>
                  <label className="qh-time">
                    End
                    <input
                      id={`${id}-${row.country}-end`}
                      inputMode="numeric"
                      placeholder="HH:MM"
                      value={row.end}
                      aria-invalid={endError ? true : undefined}
                      aria-describedby={`${id}-${row.country}-msg`}
                      onChange={(e) => change(row.country, 'end', e.target.value)}
                    />
                  </label>
                  {!readOnly && (
                    <button
                      type="button"
                      className="secondary qh-remove"
                      aria-label={`Remove ${name}`}
                      onClick={() => remove(row.country)}
                    >
                      Remove
                    </button>
                  )}
                  {/* One line that always holds something, so a message appearing on blur
                      does not move the buttons under the pointer. */}
                  <div id={`${id}-${row.country}-msg`} className="qh-message">
                    {startError && <span className="inline-error">Start: {startError}</span>}
                    {endError && <span className="inline-error">End: {endError}</span>}
                    {hint && (
                      <span className="muted" data-testid="quiet-hint">
                        {hint}
                      </span>
                    )}
                    {!startError && !endError && !hint && (
                      <span className="muted">Times as HH:MM on a 24-hour clock, 00:00 to 23:59.</span>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {!readOnly && (
          <div className="qh-actions">
            {available.length > 0 && (
              <div className="inline-field">
                <select aria-label="Country to add" value={toAdd} onChange={(e) => setAdding(e.target.value)}>
                  {available.map((code) => (
                    <option key={code} value={code}>
                      {countryName(code)} ({code.toUpperCase()})
                    </option>
                  ))}
                </select>
                <button type="button" className="secondary" onClick={add}>
                  Add country
                </button>
              </div>
            )}
            <span className="spacer" />
            {attempted && invalidCount > 0 && (
              <span className="field-error" role="alert">
                Fix {invalidCount === 1 ? 'the highlighted row' : `the ${invalidCount} highlighted rows`} before saving.
              </span>
            )}
            <button type="submit" disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save quiet hours'}
            </button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
