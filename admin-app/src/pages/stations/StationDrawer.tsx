/**
 * One station beside the list: its details and activity, who operates it (and who did),
 * and, for those allowed, assigning an operator by email and removing one. An operator
 * works at one station at a time: when the server answers that they work elsewhere, the
 * admin is asked before they are moved (the same request again with `move: true`).
 */
import { ApiError } from '@easymo/client';
import { ZAssignOperatorRequest, type TStation, type TStationOperator } from '@easymo/contracts';
import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { Drawer } from '../../components/Drawer.tsx';
import { ErrorNotice, Loading } from '../../components/states.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useStationQuery } from '../../data/stations/station-detail-query.ts';
import { useStationOperatorAssignMutation } from '../../data/stations/station-operator-assign-mutation.ts';
import { useStationOperatorRemoveMutation } from '../../data/stations/station-operator-remove-mutation.ts';
import { errorMessage, issueMessages } from '../../lib/errors.ts';
import { formatAge, formatCount, formatDateTime, formatRwf } from '../../lib/format.ts';
import { useCan } from '../../shell/access.tsx';

interface OtherStation {
  id?: string;
  name?: string;
  engencode?: string;
}

/** The station named in a 409 `conflict` answer's details, when there is one. */
function otherStation(error: unknown): OtherStation | undefined {
  if (!(error instanceof ApiError) || error.code !== 'conflict') return undefined;
  const details = error.details as { station?: OtherStation } | undefined;
  return details?.station && typeof details.station === 'object' ? details.station : undefined;
}

export function StationDrawer({
  stationId,
  onClose,
  onEdit,
}: {
  stationId: string;
  onClose: () => void;
  onEdit: (station: TStation) => void;
}) {
  const detail = useStationQuery(stationId);
  const canEdit = useCan('stations.edit');
  const title = detail.data?.station.name ?? 'Station';

  return (
    <Drawer title={title} onClose={onClose}>
      {detail.isPending ? (
        <Loading label="Loading the station…" />
      ) : detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : (
        <>
          <StationFacts station={detail.data.station} />
          {canEdit && (
            <div>
              <button type="button" className="secondary" onClick={() => onEdit(detail.data.station)}>
                Edit station
              </button>
            </div>
          )}
          <Operators station={detail.data.station} operators={detail.data.operators} canEdit={canEdit} />
        </>
      )}
    </Drawer>
  );
}

function StationFacts({ station }: { station: TStation }) {
  return (
    <dl className="facts" data-testid="station-facts">
      <dt>ENGEN code</dt>
      <dd>
        <code>{station.engencode}</code>
      </dd>
      <dt>Status</dt>
      <dd>
        <span className={`chip status-${station.status}`}>{station.status}</span>
      </dd>
      <dt>Owner contact</dt>
      <dd>{station.owner_contact ?? <span className="muted">none</span>}</dd>
      <dt>Location</dt>
      <dd>
        {station.location ? (
          `${station.location.latitude}, ${station.location.longitude}`
        ) : (
          <span className="muted">not set</span>
        )}
      </dd>
      <dt>Redeemed</dt>
      <dd>
        {formatCount(station.redeemed_24h)} in 24 h · {formatCount(station.redeemed_7d)} in 7 days (
        {formatRwf(station.redeemed_amount_7d)})
      </dd>
      <dt>Last redemption</dt>
      <dd title={formatDateTime(station.last_redeemed_at)}>{formatAge(station.last_redeemed_at)}</dd>
      <dt>Created</dt>
      <dd>{formatDateTime(station.created_at)}</dd>
    </dl>
  );
}

function Operators({
  station,
  operators,
  canEdit,
}: {
  station: TStation;
  operators: TStationOperator[];
  canEdit: boolean;
}) {
  const id = useId();
  const toast = useToast();
  const assign = useStationOperatorAssignMutation();
  const remove = useStationOperatorRemoveMutation();
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string | undefined>();
  const [moving, setMoving] = useState<{ email: string; from: OtherStation; message: string } | null>(null);
  const [removing, setRemoving] = useState<TStationOperator | null>(null);
  const active = operators.filter((o) => o.active);
  const former = operators.filter((o) => !o.active);

  function send(address: string, move: boolean) {
    assign.mutate(
      { stationId: station.id, body: { email: address, move } },
      {
        onSuccess: () => {
          toast.show('success', `${address} now operates ${station.name}`);
          setEmail('');
          setMoving(null);
        },
        onError: (error) => {
          const from = otherStation(error);
          if (from && !move) setMoving({ email: address, from, message: error.message });
          else {
            setMoving(null);
            setEmailError(errorMessage(error));
          }
        },
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = ZAssignOperatorRequest.safeParse({ email });
    if (!parsed.success) {
      setEmailError(issueMessages(parsed.error)['email'] ?? 'an email address');
      return;
    }
    send(parsed.data.email, false);
  }

  return (
    <section aria-labelledby={`${id}-title`} className="operators">
      <h3 id={`${id}-title`}>Operators</h3>
      {active.length === 0 ? (
        <p className="muted">No one operates this station.</p>
      ) : (
        <ul className="plain-list" data-testid="operators">
          {active.map((o) => (
            <li key={o.user_id} className="row-between" data-testid="operator">
              <span>
                <strong>{o.full_name ?? o.email ?? o.user_id}</strong>
                {o.full_name && o.email && <span className="muted"> {o.email}</span>}
                <span className="muted"> · since {formatDateTime(o.created_at)}</span>
              </span>
              {canEdit && (
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Remove ${o.email ?? o.user_id}`}
                  onClick={() => setRemoving(o)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {former.length > 0 && (
        <details>
          <summary className="muted">
            {former.length} former {former.length === 1 ? 'operator' : 'operators'}
          </summary>
          <ul className="plain-list muted">
            {former.map((o) => (
              <li key={o.user_id}>{o.full_name ?? o.email ?? o.user_id}</li>
            ))}
          </ul>
        </details>
      )}

      {canEdit && (
        <form onSubmit={submit} noValidate aria-label="Assign an operator" className="assign-form">
          <label htmlFor={`${id}-email`}>Assign an operator by email</label>
          <div className="inline-field">
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="off"
              placeholder="operator@example.com"
              value={email}
              aria-invalid={emailError ? true : undefined}
              aria-describedby={`${id}-email-msg`}
              onChange={(e) => {
                setEmail(e.target.value);
                setEmailError(undefined);
              }}
            />
            <button type="submit" disabled={assign.isPending}>
              {assign.isPending && !moving ? 'Assigning…' : 'Assign'}
            </button>
          </div>
          <span id={`${id}-email-msg`} className={emailError ? 'field-error' : 'hint'}>
            {emailError ?? 'The account must exist; it can then sign in to the station app here.'}
          </span>
        </form>
      )}

      <>
        <ConfirmDialog
          open={moving !== null}
          title="Move this operator here?"
          confirmLabel={`Move to ${station.name}`}
          busy={assign.isPending}
          onConfirm={() => moving && send(moving.email, true)}
          onClose={() => setMoving(null)}
        >
          {moving?.from.name ? (
            <p>
              <strong>{moving.email}</strong> operates{' '}
              <strong>
                {moving.from.name}
                {moving.from.engencode ? ` (${moving.from.engencode})` : ''}
              </strong>
              . Moving them ends that assignment: they will operate <strong>{station.name}</strong> instead.
            </p>
          ) : (
            <p>{moving?.message}</p>
          )}
        </ConfirmDialog>
        <ConfirmDialog
          open={removing !== null}
          title="Remove this operator?"
          confirmLabel="Remove operator"
          danger
          busy={remove.isPending}
          onConfirm={() => {
            if (!removing) return;
            const who = removing.email ?? removing.user_id;
            remove.mutate(
              { stationId: station.id, userId: removing.user_id },
              {
                onSuccess: () => {
                  toast.show('success', `${who} no longer operates ${station.name}`);
                  setRemoving(null);
                },
                onError: (error) => {
                  toast.show('error', `Not removed: ${errorMessage(error)}`);
                  setRemoving(null);
                },
              },
            );
          }}
          onClose={() => setRemoving(null)}
        >
          <strong>{removing?.email ?? removing?.user_id}</strong> will no longer be able to redeem vouchers at{' '}
          {station.name}. The assignment stays in the history as a former operator.
        </ConfirmDialog>
      </>
    </section>
  );
}
