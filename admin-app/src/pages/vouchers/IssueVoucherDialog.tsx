/**
 * Issue one voucher: to a phone number (an unknown one creates the driver) or to an
 * existing user id. The form is checked with the request contract before sending, and
 * the server's field messages land under the same fields.
 */
import { ZIssueVoucherRequest, type TIssueVoucherRequest } from '@easymo/contracts';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { useToast } from '../../components/Toaster.tsx';
import type { TStation } from '@easymo/contracts';
import { useVoucherIssueMutation } from '../../data/vouchers/voucher-issue-mutation.ts';
import { errorMessage, fieldErrors } from '../../lib/errors.ts';
import { deliveryText } from './labels.ts';
import { endOfKigaliDay, kigaliToday } from './url.ts';

type Field = 'driver' | 'amount' | 'station_scope' | 'campaign_id' | 'expires_at' | 'note' | 'form';

/** Where a message about a request field shows in the form. */
function fieldOf(path: string): Field {
  const head = path.split('.')[0] ?? '';
  if (head === 'msisdn' || head === 'user_id') return 'driver';
  if (['amount', 'station_scope', 'campaign_id', 'expires_at', 'note'].includes(head)) return head as Field;
  return 'form';
}

function byField(messages: Record<string, string>): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const [path, message] of Object.entries(messages)) {
    const field = fieldOf(path);
    out[field] ??= message;
  }
  return out;
}

interface IssueProps {
  /** Active stations to scope to; null when the list is not available (then an id can be typed). */
  stations: TStation[] | null;
  onClose: () => void;
  onIssued: (voucherId: string) => void;
}

/** Stays mounted so closing returns focus to the opener; the form starts empty each time it opens. */
export function IssueVoucherDialog({ open, ...props }: IssueProps & { open: boolean }) {
  return (
    <>
      <Dialog title="Issue a voucher" open={open} onClose={props.onClose}>
        <IssueForm {...props} />
      </Dialog>
    </>
  );
}

function IssueForm({ stations, onClose, onIssued }: IssueProps) {
  const toast = useToast();
  const issue = useVoucherIssueMutation();
  const [driverKind, setDriverKind] = useState<'msisdn' | 'user_id'>('msisdn');
  const [driver, setDriver] = useState('');
  const [amount, setAmount] = useState('');
  const [station, setStation] = useState('');
  const [expires, setExpires] = useState('');
  const [campaign, setCampaign] = useState('');
  const [note, setNote] = useState('');
  const [send, setSend] = useState(true);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [today] = useState(kigaliToday);

  /** The form as a request body, before checking (an empty amount box is missing, not zero). */
  function draft(): Record<string, unknown> {
    const trimmedAmount = amount.trim();
    return {
      ...(driverKind === 'msisdn' ? { msisdn: driver.trim() } : { user_id: driver.trim() }),
      amount: trimmedAmount === '' ? undefined : Number(trimmedAmount),
      currency: 'RWF',
      station_scope: station.trim() || null,
      campaign_id: campaign.trim() || null,
      expires_at: expires ? endOfKigaliDay(expires) : null,
      ...(note.trim() ? { note: note.trim() } : {}),
      send,
    };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = draft();
    const checked = ZIssueVoucherRequest.safeParse(body);
    if (!checked.success) {
      const messages: Record<string, string> = {};
      for (const issue of checked.error.issues) {
        const path = issue.path.join('.');
        messages[path] ??= path === 'amount' && body.amount === undefined ? 'Enter an amount' : issue.message;
      }
      if (!driver.trim()) messages[driverKind] = driverKind === 'msisdn' ? 'Enter a phone number' : 'Enter a user id';
      setErrors(byField(messages));
      return;
    }
    setErrors({});
    const request: TIssueVoucherRequest = checked.data;
    issue.mutate(request, {
      onSuccess: ({ voucher, delivery }) => {
        toast.show(
          delivery.status === 'sent' || delivery.status === 'skipped' ? 'success' : 'info',
          `Voucher ${voucher.code5} issued; ${deliveryText(delivery)}.`,
        );
        onIssued(voucher.id);
      },
      onError: (error) => {
        const fields = byField(fieldErrors(error));
        setErrors(Object.keys(fields).length > 0 ? fields : { form: errorMessage(error) });
      },
    });
  }

  const describe = (field: Field) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `issue-${field}-error` } : {};
  const message = (field: Field) =>
    errors[field] && (
      <span className="field-error" id={`issue-${field}-error`}>
        {errors[field]}
      </span>
    );

  return (
    <form onSubmit={submit} noValidate className="issue-form">
      <fieldset className="segmented-field">
        <legend>Give the driver by</legend>
        <label className="checkbox">
          <input
            type="radio"
            name="driver-kind"
            checked={driverKind === 'msisdn'}
            onChange={() => setDriverKind('msisdn')}
          />
          Phone number
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="driver-kind"
            checked={driverKind === 'user_id'}
            onChange={() => setDriverKind('user_id')}
          />
          User id
        </label>
      </fieldset>
      <label>
        {driverKind === 'msisdn' ? "Driver's phone number" : "Driver's user id"}
        <input
          value={driver}
          onChange={(event) => setDriver(event.target.value)}
          inputMode={driverKind === 'msisdn' ? 'tel' : 'text'}
          autoComplete="off"
          placeholder={driverKind === 'msisdn' ? '+250788123456' : '00000000-0000-0000-0000-000000000000'}
          {...describe('driver')}
        />
        {message('driver')}
      </label>
      <label>
        Amount (RWF)
        <input
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          inputMode="decimal"
          {...describe('amount')}
        />
        {message('amount')}
      </label>
      <label>
        Station <span className="muted">(optional: the only station that may redeem it)</span>
        {stations ? (
          <select value={station} onChange={(event) => setStation(event.target.value)} {...describe('station_scope')}>
            <option value="">Any station</option>
            {stations
              .filter((s) => s.status === 'active')
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.engencode})
                </option>
              ))}
          </select>
        ) : (
          <input
            value={station}
            onChange={(event) => setStation(event.target.value)}
            placeholder="station id"
            {...describe('station_scope')}
          />
        )}
        {message('station_scope')}
      </label>
      <label>
        Valid until <span className="muted">(optional: the end of that day, Kigali time)</span>
        <input
          type="date"
          value={expires}
          min={today}
          onChange={(event) => setExpires(event.target.value)}
          {...describe('expires_at')}
        />
        {message('expires_at')}
      </label>
      <label>
        Campaign id <span className="muted">(optional)</span>
        <input value={campaign} onChange={(event) => setCampaign(event.target.value)} {...describe('campaign_id')} />
        {message('campaign_id')}
      </label>
      <label>
        Note <span className="muted">(optional)</span>
        <textarea rows={2} maxLength={500} value={note} onChange={(event) => setNote(event.target.value)} />
        {message('note')}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={send} onChange={(event) => setSend(event.target.checked)} />
        Send the card on WhatsApp now
      </label>
      {errors.form && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
      <footer className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" disabled={issue.isPending}>
          {issue.isPending ? 'Issuing…' : 'Issue voucher'}
        </button>
      </footer>
    </form>
  );
}
