/**
 * Create or edit a station. The form is checked with the request schemas the server uses
 * (engencode upper-cased, the owner's number normalised to E.164, latitude and longitude
 * in range and given together or not at all); an engencode another station has comes
 * back as a 409 and is shown on its field. An edit sends only the fields that changed.
 */
import { ApiError } from '@easymo/client';
import {
  ZCreateStationRequest,
  ZUpdateStationRequest,
  type TLocation,
  type TStation,
  type TUpdateStationRequest,
} from '@easymo/contracts';
import { normalizeMsisdn } from '@easymo/domain';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useStationCreateMutation } from '../../data/stations/station-create-mutation.ts';
import { useStationUpdateMutation } from '../../data/stations/station-update-mutation.ts';
import { errorMessage, fieldErrors, issueMessages } from '../../lib/errors.ts';

interface Draft {
  name: string;
  engencode: string;
  owner_contact: string;
  latitude: string;
  longitude: string;
  status: TStation['status'];
}

type Errors = Partial<Record<keyof Draft | 'form', string>>;

function fromStation(station: TStation | undefined): Draft {
  return {
    name: station?.name ?? '',
    engencode: station?.engencode ?? '',
    owner_contact: station?.owner_contact ?? '',
    latitude: station?.location ? String(station.location.latitude) : '',
    longitude: station?.location ? String(station.location.longitude) : '',
    status: station?.status ?? 'active',
  };
}

/** "location.latitude" → "latitude": the form has one field per coordinate. */
function toFormErrors(messages: Record<string, string>): Errors {
  const out: Errors = {};
  for (const [path, message] of Object.entries(messages)) {
    const field = path.startsWith('location.') ? path.slice('location.'.length) : path === '' ? 'form' : path;
    if (field in fromStation(undefined) || field === 'form') out[field as keyof Errors] ??= message;
    else if (field === 'location') out.latitude ??= message;
    else out.form ??= message;
  }
  return out;
}

function coordinate(text: string, label: string, limit: number): { value?: number; error?: string } {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return {};
  const value = Number(trimmed);
  if (!Number.isFinite(value))
    return { error: `${label} is a number of degrees, e.g. ${limit === 90 ? '-1.9441' : '30.0619'}` };
  if (Math.abs(value) > limit) return { error: `${label} is between -${limit} and ${limit} degrees` };
  return { value };
}

/** The location the form describes: null when both are empty, an error when only one is given. */
function readLocation(draft: Draft): { location?: TLocation | null; errors: Errors } {
  const lat = coordinate(draft.latitude, 'Latitude', 90);
  const lng = coordinate(draft.longitude, 'Longitude', 180);
  const errors: Errors = {};
  if (lat.error) errors.latitude = lat.error;
  if (lng.error) errors.longitude = lng.error;
  if (lat.error || lng.error) return { errors };
  if (lat.value === undefined && lng.value === undefined) return { location: null, errors };
  if (lat.value === undefined) return { errors: { latitude: 'Give the latitude too, or clear both' } };
  if (lng.value === undefined) return { errors: { longitude: 'Give the longitude too, or clear both' } };
  return { location: { latitude: lat.value, longitude: lng.value }, errors };
}

function sameLocation(a: TLocation | null, b: TLocation | null): boolean {
  return a === b || (a !== null && b !== null && a.latitude === b.latitude && a.longitude === b.longitude);
}

export function StationDialog({
  station,
  onClose,
  onSaved,
}: {
  /** The station to edit; none to create one. */
  station?: TStation;
  onClose: () => void;
  onSaved?: (station: TStation) => void;
}) {
  const id = useId();
  const toast = useToast();
  const create = useStationCreateMutation();
  const update = useStationUpdateMutation();
  const [draft, setDraft] = useState<Draft>(() => fromStation(station));
  const [errors, setErrors] = useState<Errors>({});
  const saving = create.isPending || update.isPending;
  const editing = station !== undefined;

  const normalised = draft.owner_contact.trim() ? normalizeMsisdn(draft.owner_contact) : undefined;

  function set<F extends keyof Draft>(field: F, value: Draft[F]) {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((all) => ({ ...all, [field]: undefined, form: undefined }));
  }

  function failed(error: unknown) {
    if (error instanceof ApiError && error.code === 'conflict') {
      setErrors({ engencode: error.message });
    } else if (
      error instanceof ApiError &&
      error.code === 'invalid_request' &&
      Object.keys(fieldErrors(error)).length
    ) {
      setErrors(toFormErrors(fieldErrors(error)));
    } else {
      setErrors({ form: errorMessage(error) });
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const { location, errors: locationErrors } = readLocation(draft);
    const body = {
      name: draft.name,
      engencode: draft.engencode,
      owner_contact: draft.owner_contact.trim() ? draft.owner_contact : null,
      location: location ?? null,
      status: draft.status,
    };
    const parsed = ZCreateStationRequest.safeParse(body);
    const schemaErrors = parsed.success ? {} : toFormErrors(issueMessages(parsed.error));
    const all = { ...schemaErrors, ...locationErrors };
    if (!parsed.success || location === undefined || Object.keys(all).length > 0) {
      setErrors(all);
      return;
    }
    const value = parsed.data;

    if (!station) {
      create.mutate(value, {
        onSuccess: (detail) => {
          toast.show('success', `Station ${detail.station.name} created`);
          onSaved?.(detail.station);
          onClose();
        },
        onError: failed,
      });
      return;
    }

    const patch: TUpdateStationRequest = {};
    if (value.name !== station.name) patch.name = value.name;
    if (value.engencode !== station.engencode) patch.engencode = value.engencode;
    if ((value.owner_contact ?? null) !== station.owner_contact) patch.owner_contact = value.owner_contact ?? null;
    if (!sameLocation(value.location ?? null, station.location)) patch.location = value.location ?? null;
    if (value.status !== station.status) patch.status = value.status;
    if (Object.keys(patch).length === 0) {
      toast.show('info', 'Nothing changed');
      onClose();
      return;
    }
    const checked = ZUpdateStationRequest.safeParse(patch);
    if (!checked.success) {
      setErrors(toFormErrors(issueMessages(checked.error)));
      return;
    }
    update.mutate(
      { id: station.id, patch },
      {
        onSuccess: (detail) => {
          toast.show('success', `Station ${detail.station.name} saved`);
          onSaved?.(detail.station);
          onClose();
        },
        onError: failed,
      },
    );
  }

  function field(name: keyof Draft, label: string, input: ReactNode, hint?: ReactNode) {
    const message = errors[name];
    return (
      <div className="form-field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        {input}
        <span id={`${id}-${name}-msg`} className={message ? 'field-error' : 'hint'}>
          {message ?? hint}
        </span>
      </div>
    );
  }

  const inputProps = (name: keyof Draft) => ({
    id: `${id}-${name}`,
    value: draft[name],
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': `${id}-${name}-msg`,
    onChange: (e: { target: { value: string } }) => set(name, e.target.value),
  });

  return (
    <Dialog title={editing ? `Edit ${station.name}` : 'New station'} open onClose={onClose}>
      <form onSubmit={submit} noValidate aria-label={editing ? 'Edit station' : 'New station'}>
        <fieldset className="plain-fieldset station-form" disabled={saving}>
          {field('name', 'Name', <input {...inputProps('name')} autoComplete="off" />)}
          {field(
            'engencode',
            'ENGEN code',
            <input {...inputProps('engencode')} autoComplete="off" className="upper" />,
            'Unique; 2 to 32 letters, digits or dashes.',
          )}
          {field(
            'owner_contact',
            'Owner contact (optional)',
            <input {...inputProps('owner_contact')} type="tel" autoComplete="off" placeholder="+250788123456" />,
            normalised ? `Saved as ${normalised}` : 'A phone number; local Rwandan numbers (07…) are understood.',
          )}
          <div className="coordinates">
            {field(
              'latitude',
              'Latitude (optional)',
              <input {...inputProps('latitude')} inputMode="decimal" placeholder="-1.9441" />,
              '-90 to 90',
            )}
            {field(
              'longitude',
              'Longitude (optional)',
              <input {...inputProps('longitude')} inputMode="decimal" placeholder="30.0619" />,
              '-180 to 180',
            )}
          </div>
          <fieldset className="plain-fieldset radio-row">
            <legend>Status</legend>
            {(['active', 'inactive'] as const).map((status) => (
              <label key={status} className="radio">
                <input
                  type="radio"
                  name={`${id}-status`}
                  value={status}
                  checked={draft.status === status}
                  onChange={() => set('status', status)}
                />
                {status === 'active' ? 'Active' : 'Inactive'}
              </label>
            ))}
          </fieldset>
          {errors.form && (
            <p role="alert" className="error">
              {errors.form}
            </p>
          )}
        </fieldset>
        <footer className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save station' : 'Create station'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
