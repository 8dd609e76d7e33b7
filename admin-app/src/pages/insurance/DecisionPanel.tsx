/**
 * The decision on a pending quote: approve with a premium (RWF) and an insurer, or send
 * it back with a reason from the closed list and a comment for the driver. Each form is
 * checked with the same contract the server uses; a quote someone else decided meanwhile
 * comes back as a 409 and the page shows what they decided.
 */
import { ZApproveQuoteRequest, ZRequestQuoteChangesRequest, type TQuote } from '@easymo/contracts';
import { CHANGE_REASONS, CHANGE_REASON_CODES, INSURERS, type ChangeReason } from '@easymo/domain';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useToast } from '../../components/Toaster.tsx';
import { useQuoteDecisionMutation } from '../../data/insurance/quote-decision-mutation.ts';
import { errorMessage, fieldErrors, issueMessages } from '../../lib/errors.ts';
import { formatRwf } from '../../lib/format.ts';
import { parsePremium } from './labels.ts';

export function DecisionPanel({ quote }: { quote: TQuote }) {
  const toast = useToast();
  const decide = useQuoteDecisionMutation();
  const [premium, setPremium] = useState(quote.premium === null ? '' : String(quote.premium));
  const [insurer, setInsurer] = useState(quote.insurer ?? '');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<ChangeReason | ''>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<{ form: 'approve' | 'changes'; fields: Record<string, string> } | null>(null);
  const approveErrors = errors?.form === 'approve' ? errors.fields : {};
  const changesErrors = errors?.form === 'changes' ? errors.fields : {};
  const approveForm = useRef<HTMLFormElement>(null);
  const changesForm = useRef<HTMLFormElement>(null);

  // A refused form puts the keyboard (and a screen reader) on its first wrong field.
  useEffect(() => {
    const form = errors?.form === 'approve' ? approveForm.current : changesForm.current;
    if (errors) form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  function failed(form: 'approve' | 'changes', error: unknown) {
    setErrors({ form, fields: fieldErrors(error) });
    toast.show('error', errorMessage(error));
  }

  function approve(event: FormEvent) {
    event.preventDefault();
    const amount = parsePremium(premium);
    const parsed = ZApproveQuoteRequest.safeParse({
      premium: Number.isNaN(amount) ? undefined : amount,
      insurer: insurer || undefined,
      ...(note.trim() ? { comment: note } : {}),
      submitted_at: quote.submitted_at,
    });
    if (!parsed.success) {
      const fields = issueMessages(parsed.error);
      if (premium.trim() === '') fields.premium = 'Enter the premium in RWF';
      else if (Number.isNaN(amount))
        fields.premium = 'Whole Rwandan francs: digits, with commas or spaces between thousands';
      if (!insurer) fields.insurer = 'Choose the insurer';
      setErrors({ form: 'approve', fields });
      return;
    }
    setErrors(null);
    decide.mutate(
      { id: quote.id, decision: 'approve', body: parsed.data },
      {
        onSuccess: () =>
          toast.show('success', `Approved: ${formatRwf(parsed.data.premium)} with ${parsed.data.insurer}`),
        onError: (error) => failed('approve', error),
      },
    );
  }

  function sendBack(event: FormEvent) {
    event.preventDefault();
    const parsed = ZRequestQuoteChangesRequest.safeParse({
      reason: reason || undefined,
      comment,
      submitted_at: quote.submitted_at,
    });
    if (!parsed.success) {
      const fields = issueMessages(parsed.error);
      if (!reason) fields.reason = 'Choose why the quote goes back';
      setErrors({ form: 'changes', fields });
      return;
    }
    setErrors(null);
    decide.mutate(
      { id: quote.id, decision: 'request-changes', body: parsed.data },
      {
        onSuccess: () => toast.show('success', 'Sent back to the driver for changes'),
        onError: (error) => failed('changes', error),
      },
    );
  }

  const busy = decide.isPending;
  return (
    <section className="card decision-panel" aria-label="Decision">
      <h2>Decision</h2>
      <form ref={approveForm} className="decision-form" onSubmit={approve} noValidate aria-label="Approve">
        <h3>Approve</h3>
        <label>
          Premium (RWF)
          <input
            name="premium"
            inputMode="numeric"
            autoComplete="off"
            placeholder="e.g. 84,000"
            value={premium}
            onChange={(event) => setPremium(event.target.value)}
            aria-invalid={Boolean(approveErrors.premium)}
            aria-describedby={approveErrors.premium ? 'premium-error' : undefined}
          />
          {approveErrors.premium && (
            <span className="field-error" id="premium-error">
              {approveErrors.premium}
            </span>
          )}
        </label>
        <label>
          Insurer
          <select
            name="insurer"
            value={insurer}
            onChange={(event) => setInsurer(event.target.value)}
            aria-invalid={Boolean(approveErrors.insurer)}
            aria-describedby={approveErrors.insurer ? 'insurer-error' : undefined}
          >
            <option value="">Choose…</option>
            {INSURERS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          {approveErrors.insurer && (
            <span className="field-error" id="insurer-error">
              {approveErrors.insurer}
            </span>
          )}
        </label>
        <label>
          Note (optional)
          <textarea name="note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy && decide.variables?.decision === 'approve' ? 'Approving…' : 'Approve'}
        </button>
      </form>

      <form ref={changesForm} className="decision-form" onSubmit={sendBack} noValidate aria-label="Needs changes">
        <h3>Needs changes</h3>
        <label>
          Reason
          <select
            name="reason"
            value={reason}
            onChange={(event) => setReason(event.target.value as ChangeReason | '')}
            aria-invalid={Boolean(changesErrors.reason)}
            aria-describedby={changesErrors.reason ? 'reason-error' : undefined}
          >
            <option value="">Choose…</option>
            {CHANGE_REASON_CODES.map((code) => (
              <option key={code} value={code}>
                {CHANGE_REASONS[code]}
              </option>
            ))}
          </select>
          {changesErrors.reason && (
            <span className="field-error" id="reason-error">
              {changesErrors.reason}
            </span>
          )}
        </label>
        <label>
          Comment for the driver
          <textarea
            name="comment"
            rows={3}
            maxLength={2000}
            placeholder="What exactly should they send?"
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            aria-invalid={Boolean(changesErrors.comment)}
            aria-describedby={changesErrors.comment ? 'comment-error' : undefined}
          />
          {changesErrors.comment && (
            <span className="field-error" id="comment-error">
              {changesErrors.comment}
            </span>
          )}
        </label>
        <button type="submit" className="secondary" disabled={busy}>
          {busy && decide.variables?.decision === 'request-changes' ? 'Sending back…' : 'Needs changes'}
        </button>
      </form>
    </section>
  );
}
