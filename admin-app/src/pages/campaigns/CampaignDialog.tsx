/**
 * Create a campaign draft, or edit one. The template comes from settings.templates and is
 * previewed as a recipient would read it; a voucher campaign fills in the voucher's code,
 * amount and expiry itself, so only the other variables are CSV columns. The form is
 * checked with the request contracts before sending, and the server's field messages
 * land under the same fields.
 */
import {
  VOUCHER_CAMPAIGN_VARIABLES,
  ZCreateCampaignRequest,
  ZUpdateCampaignRequest,
  type TCampaign,
  type TMessageTemplate,
  type TStation,
} from '@easymo/contracts';
import { renderTemplate, SAMPLE_TEMPLATE_VALUES } from '@easymo/domain';
import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useCampaignCreateMutation } from '../../data/campaigns/campaign-create-mutation.ts';
import { useCampaignUpdateMutation } from '../../data/campaigns/campaign-update-mutation.ts';
import { errorMessage, fieldErrors, issueMessages } from '../../lib/errors.ts';
import { formatRwf } from '../../lib/format.ts';
import { quietHint } from '../settings/QuietHoursEditor.tsx';
import { CAMPAIGN_TYPE_LABELS } from './labels.ts';

type Field =
  | 'name'
  | 'type'
  | 'template_id'
  | 'amount'
  | 'expires_in_days'
  | 'station_scope'
  | 'quiet_start'
  | 'quiet_end'
  | 'form';

/** Where a message about a request path shows in the form ("voucher.amount" → amount). */
function fieldOf(path: string): Field {
  if (path === 'name' || path === 'type' || path === 'template_id') return path;
  if (path === 'voucher.amount' || path === 'voucher') return 'amount';
  if (path === 'voucher.expires_in_days') return 'expires_in_days';
  if (path === 'voucher.station_scope') return 'station_scope';
  if (path === 'quiet_hours.start') return 'quiet_start';
  if (path === 'quiet_hours.end' || path === 'quiet_hours') return 'quiet_end';
  return 'form';
}

function byField(messages: Record<string, string>): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const [path, message] of Object.entries(messages)) out[fieldOf(path)] ??= message;
  return out;
}

/** The variables a voucher campaign fills in itself, when its template uses them. */
export function automaticVariables(template: TMessageTemplate | undefined, type: TCampaign['type']): string[] {
  if (!template || type !== 'voucher') return [];
  const own: readonly string[] = VOUCHER_CAMPAIGN_VARIABLES;
  return template.variables.filter((v) => own.includes(v));
}

/** The CSV columns a campaign's targets need besides the number: the template's other variables. */
export function csvColumns(template: TMessageTemplate | undefined, type: TCampaign['type']): string[] {
  const automatic = automaticVariables(template, type);
  return (template?.variables ?? []).filter((v) => !automatic.includes(v));
}

interface Props {
  /** The draft to edit; none to create one. */
  campaign?: TCampaign;
  templates: TMessageTemplate[];
  /** Active stations a voucher may be limited to; null while unknown. */
  stations: TStation[] | null;
  onClose: () => void;
  onSaved: (campaign: TCampaign) => void;
}

export function CampaignDialog({ open, ...props }: Props & { open: boolean }) {
  return (
    <Dialog
      title={props.campaign ? `Edit ${props.campaign.name}` : 'New campaign'}
      open={open}
      wide
      onClose={props.onClose}
    >
      <CampaignForm {...props} />
    </Dialog>
  );
}

function CampaignForm({ campaign, templates, stations, onClose, onSaved }: Props) {
  const id = useId();
  const toast = useToast();
  const create = useCampaignCreateMutation();
  const update = useCampaignUpdateMutation();
  const saving = create.isPending || update.isPending;
  const voucher = campaign?.options.voucher ?? null;
  const quiet = campaign?.options.quiet_hours ?? null;

  const [name, setName] = useState(campaign?.name ?? '');
  const [type, setType] = useState<TCampaign['type']>(campaign?.type ?? 'promo');
  const [templateId, setTemplateId] = useState(campaign?.template_id ?? '');
  const [amount, setAmount] = useState(voucher ? String(voucher.amount) : '');
  const [days, setDays] = useState(voucher ? String(voucher.expires_in_days) : '30');
  const [station, setStation] = useState(voucher?.station_scope ?? '');
  const [quietMode, setQuietMode] = useState<'settings' | 'own'>(quiet ? 'own' : 'settings');
  const [quietStart, setQuietStart] = useState(quiet?.start ?? '21:00');
  const [quietEnd, setQuietEnd] = useState(quiet?.end ?? '07:00');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  // The preview's expiry counts from when the form opened.
  const [openedAt] = useState(() => Date.now());

  const template = templates.find((t) => t.id === templateId);
  const automatic = automaticVariables(template, type);
  const columns = csvColumns(template, type);
  // A template the campaign names that settings no longer has: keep it choosable, and say so.
  const missingTemplate = templateId !== '' && !template;

  /** The form as a request body, before checking: an empty number box is missing, not 0. */
  function draft() {
    const number = (text: string) => (text.trim() === '' ? undefined : Number(text.trim().replace(/,/g, '')));
    return {
      name: name.trim(),
      template_id: templateId,
      quiet_hours: quietMode === 'own' ? { start: quietStart.trim(), end: quietEnd.trim() } : null,
      voucher:
        type === 'voucher'
          ? {
              amount: number(amount),
              currency: 'RWF',
              expires_in_days: number(days),
              station_scope: station || null,
            }
          : null,
    };
  }

  function localErrors(body: ReturnType<typeof draft>): Partial<Record<Field, string>> {
    const checked = campaign
      ? ZUpdateCampaignRequest.safeParse(body)
      : ZCreateCampaignRequest.safeParse({ ...body, type });
    const out = checked.success ? {} : byField(issueMessages(checked.error));
    // Clearer words than the schema's for empty or non-numeric boxes.
    if (body.voucher) {
      if (body.voucher.amount === undefined) out.amount = 'Enter the amount of each voucher';
      else if (!Number.isFinite(body.voucher.amount)) out.amount = 'an amount in RWF, e.g. 5000';
      if (body.voucher.expires_in_days === undefined) out.expires_in_days = 'Enter how many days a voucher lasts';
      else if (!Number.isInteger(body.voucher.expires_in_days))
        out.expires_in_days = 'a whole number of days, 1 to 365';
    }
    if (!templateId) out.template_id = 'Choose a template';
    return out;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = draft();
    const found = localErrors(body);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      const first = (Object.keys(found) as Field[]).find((f) => f !== 'form');
      if (first) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setErrors({});
    const onError = (error: unknown) => {
      const fields = byField(fieldErrors(error));
      setErrors(Object.keys(fields).length > 0 ? fields : { form: errorMessage(error) });
    };
    if (campaign) {
      update.mutate(
        { id: campaign.id, patch: ZUpdateCampaignRequest.parse(body) },
        {
          onSuccess: (saved) => {
            toast.show('success', `Campaign ${saved.name} saved`);
            onSaved(saved);
          },
          onError,
        },
      );
    } else {
      create.mutate(ZCreateCampaignRequest.parse({ ...body, type }), {
        onSuccess: (saved) => {
          toast.show('success', `Campaign ${saved.name} created as a draft`);
          onSaved(saved);
        },
        onError,
      });
    }
  }

  const describe = (field: Field) =>
    errors[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${field}-error` } : {};
  const message = (field: Field) =>
    errors[field] && (
      <span className="field-error" id={`${id}-${field}-error`}>
        {errors[field]}
      </span>
    );

  const amountValue = Number(amount.trim().replace(/,/g, ''));
  const daysValue = Number(days.trim());
  const preview = template
    ? renderTemplate(template.body, {
        ...SAMPLE_TEMPLATE_VALUES,
        ...(type === 'voucher' && amount.trim() && Number.isFinite(amountValue)
          ? { amount: formatRwf(amountValue).replace(/ RWF$/, '') }
          : {}),
        ...(type === 'voucher' && Number.isInteger(daysValue) && daysValue > 0
          ? {
              expiry: new Intl.DateTimeFormat('en-GB', {
                timeZone: 'Africa/Kigali',
                day: 'numeric',
                month: 'short',
                year: 'numeric',
              }).format(new Date(openedAt + daysValue * 86_400_000)),
            }
          : {}),
      })
    : null;
  const hint = quietMode === 'own' && !errors.quiet_start && !errors.quiet_end ? quietHint(quietStart, quietEnd) : null;

  return (
    <form onSubmit={submit} noValidate className="campaign-form">
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={name}
        maxLength={120}
        autoComplete="off"
        onChange={(event) => setName(event.target.value)}
        {...describe('name')}
      />
      {message('name')}

      {campaign ? (
        <p>
          Type: <strong>{CAMPAIGN_TYPE_LABELS[campaign.type]}</strong>{' '}
          <span className="muted">(the type of a draft cannot change)</span>
        </p>
      ) : (
        <fieldset className="segmented-field" id={`${id}-type`}>
          <legend>Type</legend>
          <label className="checkbox">
            <input type="radio" name={`${id}-type`} checked={type === 'promo'} onChange={() => setType('promo')} />
            Promo (a message)
          </label>
          <label className="checkbox">
            <input type="radio" name={`${id}-type`} checked={type === 'voucher'} onChange={() => setType('voucher')} />
            Voucher (a voucher for each target, with its card)
          </label>
          {message('type')}
        </fieldset>
      )}

      <label htmlFor={`${id}-template_id`}>Template</label>
      <select
        id={`${id}-template_id`}
        value={templateId}
        onChange={(event) => setTemplateId(event.target.value)}
        {...describe('template_id')}
      >
        <option value="">Choose a template…</option>
        {missingTemplate && <option value={templateId}>{templateId} (no longer in Settings)</option>}
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.language}, {t.category})
          </option>
        ))}
      </select>
      {message('template_id')}
      {templates.length === 0 && (
        <p className="notice">There are no templates yet: a super admin adds them in Settings.</p>
      )}
      {template && (
        <div className="campaign-template" data-testid="template-preview">
          <p className="template-preview">{preview}</p>
          <p className="muted">
            Variables:{' '}
            {template.variables.length === 0
              ? 'none'
              : template.variables.map((v) => (
                  <code
                    key={v}
                    className="variable"
                    title={automatic.includes(v) ? 'filled in for each voucher' : 'a CSV column'}
                  >
                    {v}
                    {automatic.includes(v) ? ' (automatic)' : ''}
                  </code>
                ))}
          </p>
          <p className="muted" data-testid="template-columns">
            {automatic.length > 0 && (
              <>
                {automatic.join(', ')} {automatic.length === 1 ? 'is' : 'are'} filled in from each target&apos;s
                voucher.{' '}
              </>
            )}
            The targets CSV needs a <code>msisdn</code> column
            {columns.length > 0 ? (
              <>
                {' '}
                and {columns.length === 1 ? 'a column' : 'columns'} {columns.map((c) => `"${c}"`).join(', ')}.
              </>
            ) : (
              '.'
            )}
          </p>
          {type === 'voucher' && !template.variables.includes('code') && (
            <p className="notice warning-notice">This template does not show the voucher code.</p>
          )}
        </div>
      )}

      {type === 'voucher' && (
        <fieldset className="plain-fieldset campaign-voucher">
          <legend>Each target&apos;s voucher</legend>
          <div className="campaign-voucher-fields">
            <label>
              Amount (RWF)
              <input
                id={`${id}-amount`}
                inputMode="decimal"
                value={amount}
                onChange={(event) => setAmount(event.target.value)}
                {...describe('amount')}
              />
              {message('amount')}
            </label>
            <label>
              Valid for (days)
              <input
                id={`${id}-expires_in_days`}
                inputMode="numeric"
                value={days}
                onChange={(event) => setDays(event.target.value)}
                {...describe('expires_in_days')}
              />
              {message('expires_in_days')}
            </label>
            <label>
              Station <span className="muted">(optional)</span>
              <select
                id={`${id}-station_scope`}
                value={station}
                onChange={(event) => setStation(event.target.value)}
                {...describe('station_scope')}
              >
                <option value="">Any station</option>
                {station && !stations?.some((s) => s.id === station) && <option value={station}>{station}</option>}
                {(stations ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.engencode})
                  </option>
                ))}
              </select>
              {message('station_scope')}
            </label>
          </div>
          <p className="muted">The days count from when each target&apos;s voucher is issued, as its turn comes.</p>
        </fieldset>
      )}

      <fieldset className="segmented-field campaign-quiet">
        <legend>Quiet hours</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-quiet`}
            checked={quietMode === 'settings'}
            onChange={() => setQuietMode('settings')}
          />
          Each country&apos;s quiet hours (Settings)
        </label>
        <label className="checkbox">
          <input type="radio" name={`${id}-quiet`} checked={quietMode === 'own'} onChange={() => setQuietMode('own')} />
          This campaign&apos;s own window, in each target&apos;s local time
        </label>
      </fieldset>
      {quietMode === 'own' && (
        <div className="campaign-quiet-window">
          <label>
            From
            <input
              id={`${id}-quiet_start`}
              className="narrow"
              inputMode="numeric"
              placeholder="HH:MM"
              value={quietStart}
              onChange={(event) => setQuietStart(event.target.value)}
              {...describe('quiet_start')}
            />
            {message('quiet_start')}
          </label>
          <label>
            Until
            <input
              id={`${id}-quiet_end`}
              className="narrow"
              inputMode="numeric"
              placeholder="HH:MM"
              value={quietEnd}
              onChange={(event) => setQuietEnd(event.target.value)}
              {...describe('quiet_end')}
            />
            {message('quiet_end')}
          </label>
          {hint && <p className="muted">{hint}</p>}
        </div>
      )}

      {errors.form && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
      <footer className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : campaign ? 'Save draft' : 'Create draft'}
        </button>
      </footer>
    </form>
  );
}
