/**
 * The opt-out list: numbers that asked to get no messages. The server keeps only a hash
 * of each number, so the list cannot be shown; it can be counted, and a number can be
 * checked, added or taken off. Answers are shown as sentences, with the number as the
 * server understood it (E.164).
 */
import { ZOptOutRequest, type TOptOutResponse } from '@easymo/contracts';
import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useOptOutAddMutation } from '../../data/settings/opt-out-add-mutation.ts';
import { useOptOutCheckMutation } from '../../data/settings/opt-out-check-mutation.ts';
import { useOptOutRemoveMutation } from '../../data/settings/opt-out-remove-mutation.ts';
import { errorMessage, issueMessages } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';

type Verb = 'check' | 'add' | 'remove';

function sentence(verb: Verb, answer: TOptOutResponse): string {
  const n = answer.msisdn;
  switch (verb) {
    case 'check':
      return answer.opted_out
        ? `${n} is on the opt-out list: it gets no messages.`
        : `${n} is not on the opt-out list: it can be messaged.`;
    case 'add':
      return answer.changed
        ? `${n} was added to the opt-out list: it will get no more messages.`
        : `${n} was already on the opt-out list; nothing changed.`;
    case 'remove':
      return answer.changed
        ? `${n} was taken off the opt-out list: it can be messaged again.`
        : `${n} was not on the opt-out list; nothing changed.`;
  }
}

export function OptOutPanel({ count, canEdit }: { count: number; canEdit: boolean }) {
  const id = useId();
  const toast = useToast();
  const [number, setNumber] = useState('');
  const [inputError, setInputError] = useState<string | undefined>();
  const [result, setResult] = useState<{ text: string; failed: boolean } | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const check = useOptOutCheckMutation();
  const add = useOptOutAddMutation();
  const remove = useOptOutRemoveMutation();
  const busy = check.isPending || add.isPending || remove.isPending;

  /** The number as E.164, or a message on the field. */
  function validNumber(): string | undefined {
    const parsed = ZOptOutRequest.safeParse({ msisdn: number });
    if (!parsed.success) {
      setInputError(issueMessages(parsed.error)['msisdn'] ?? 'not a phone number');
      return undefined;
    }
    setInputError(undefined);
    return parsed.data.msisdn;
  }

  function run(verb: Verb, msisdn: string) {
    const mutation = { check, add, remove }[verb];
    setResult(null);
    mutation.mutate(
      { msisdn },
      {
        onSuccess: (answer) => {
          setResult({ text: sentence(verb, answer), failed: false });
          if (verb !== 'check' && answer.changed) toast.show('success', sentence(verb, answer));
        },
        onError: (error) => setResult({ text: errorMessage(error), failed: true }),
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const msisdn = validNumber();
    if (msisdn) run('check', msisdn);
  }

  return (
    <div className="opt-outs">
      <p>
        <span className="figure-count" data-testid="opt-out-count">
          {formatCount(count)}
        </span>{' '}
        {count === 1 ? 'number has' : 'numbers have'} opted out.
      </p>
      <p className="muted">
        Each number is stored only as a one-way hash (SHA-256), never as the number itself, so the list cannot be shown
        or exported. Type a number to check it{canEdit ? ', add it or take it off' : ''}.
      </p>
      <form onSubmit={submit} noValidate aria-label="Opt-out number">
        <label htmlFor={`${id}-number`}>Phone number</label>
        <div className="inline-field">
          <input
            id={`${id}-number`}
            type="tel"
            autoComplete="off"
            placeholder="+250788123456 or 0788123456"
            value={number}
            aria-invalid={inputError ? true : undefined}
            aria-describedby={`${id}-error`}
            onChange={(e) => {
              setNumber(e.target.value);
              setInputError(undefined);
            }}
          />
          <button type="submit" className="secondary" disabled={busy}>
            Check
          </button>
          {canEdit && (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  const msisdn = validNumber();
                  if (msisdn) run('add', msisdn);
                }}
              >
                Add to list
              </button>
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => {
                  const msisdn = validNumber();
                  if (msisdn) setConfirmRemove(msisdn);
                }}
              >
                Take off list
              </button>
            </>
          )}
        </div>
        <span id={`${id}-error`} className="field-error">
          {inputError}
        </span>
      </form>
      <p
        className={result?.failed ? 'error opt-out-result' : 'opt-out-result'}
        role="status"
        data-testid="opt-out-result"
      >
        {busy ? 'Working…' : result?.text}
      </p>
      <ConfirmDialog
        open={confirmRemove !== null}
        title="Take this number off the opt-out list?"
        confirmLabel="Take off list"
        danger
        busy={remove.isPending}
        onConfirm={() => {
          if (confirmRemove) run('remove', confirmRemove);
          setConfirmRemove(null);
        }}
        onClose={() => setConfirmRemove(null)}
      >
        <p>
          <strong>{confirmRemove}</strong> will receive campaign and voucher messages again. Do this only when its owner
          asked to be messaged again.
        </p>
      </ConfirmDialog>
    </div>
  );
}
