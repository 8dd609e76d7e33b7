/**
 * One voucher, opened from the list or from a shared link (`?voucher=<id>`): its card
 * and QR, facts, the event timeline and the audit entries with what each changed, and
 * the actions its state and the signed-in role allow (void with a reason, resend).
 */
import { ApiError } from '@easymo/client';
import { ZVoidVoucherRequest, type TVoucher, type TVoucherDetail } from '@easymo/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { DiffViewer } from '../../components/DiffViewer.tsx';
import { Drawer } from '../../components/Drawer.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useToast } from '../../components/Toaster.tsx';
import type { TStation } from '@easymo/contracts';
import { useVoucherQuery } from '../../data/vouchers/voucher-query.ts';
import { useVoucherResendMutation } from '../../data/vouchers/voucher-resend-mutation.ts';
import { useVoucherVoidMutation } from '../../data/vouchers/voucher-void-mutation.ts';
import { errorMessage, fieldErrors } from '../../lib/errors.ts';
import { formatDateTime, formatRwf } from '../../lib/format.ts';
import { useCan } from '../../shell/access.tsx';
import { canBeResent, canBeVoided, deliveryText, eventLabel, STATUS_LABELS } from './labels.ts';

export type StationNames = ReadonlyMap<string, TStation>;

export function VoucherDrawer({
  id,
  stations,
  onClose,
}: {
  id: string;
  stations: StationNames;
  /** Must keep its identity between renders (the drawer re-focuses when it changes). */
  onClose: () => void;
}) {
  const detail = useVoucherQuery(id);
  const title = detail.data ? `Voucher ${detail.data.voucher.code5}` : 'Voucher';
  return (
    <Drawer title={title} onClose={onClose}>
      {detail.isPending ? (
        <Loading label="Loading the voucher…" />
      ) : detail.isError ? (
        detail.error instanceof ApiError && detail.error.code === 'not_found' ? (
          <EmptyState title="No voucher with this id">The link may be wrong, or your role cannot see it.</EmptyState>
        ) : (
          <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
        )
      ) : (
        <VoucherDetail detail={detail.data} stations={stations} />
      )}
    </Drawer>
  );
}

function stationText(stations: StationNames, id: string | null, none: string): string {
  if (!id) return none;
  const station = stations.get(id);
  return station ? `${station.name} (${station.engencode})` : id;
}

function VoucherDetail({ detail, stations }: { detail: TVoucherDetail; stations: StationNames }) {
  const { voucher, events, audit, card_url: cardUrl, qr_url: qrUrl } = detail;
  return (
    <>
      <VoucherActions voucher={voucher} />
      <div className="voucher-images">
        {cardUrl ? (
          <a href={cardUrl} target="_blank" rel="noreferrer">
            <img className="voucher-card" src={cardUrl} alt={`Voucher card ${voucher.code5}`} />
          </a>
        ) : (
          <p className="muted">No card yet: it is made when an issuer first opens the voucher.</p>
        )}
        {qrUrl && <img className="voucher-qr" src={qrUrl} alt={`QR code of voucher ${voucher.code5}`} />}
      </div>

      <dl className="voucher-facts">
        <dt>Code</dt>
        <dd>
          <code className="voucher-code" data-testid="voucher-code">
            {voucher.code5}
          </code>
        </dd>
        <dt>Amount</dt>
        <dd>{formatRwf(voucher.amount, voucher.currency)}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`chip status-${voucher.status}`} data-testid="voucher-status">
            {STATUS_LABELS[voucher.status]}
          </span>
        </dd>
        <dt>Phone</dt>
        <dd>{voucher.msisdn ?? '–'}</dd>
        <dt>Redeemable at</dt>
        <dd>{stationText(stations, voucher.station_scope, 'Any station')}</dd>
        <dt>Issued</dt>
        <dd>{formatDateTime(voucher.issued_at)}</dd>
        <dt>Valid until</dt>
        <dd>{voucher.expires_at ? formatDateTime(voucher.expires_at) : 'No expiry'}</dd>
        {voucher.redeemed_at && (
          <>
            <dt>Redeemed</dt>
            <dd>
              {formatDateTime(voucher.redeemed_at)} at {stationText(stations, voucher.redeemed_station_id, '–')}
            </dd>
          </>
        )}
        {voucher.campaign_id && (
          <>
            <dt>Campaign</dt>
            <dd>
              <code>{voucher.campaign_id}</code>
            </dd>
          </>
        )}
        {typeof voucher.metadata.void_reason === 'string' && (
          <>
            <dt>Void reason</dt>
            <dd>{voucher.metadata.void_reason}</dd>
          </>
        )}
        {typeof voucher.metadata.note === 'string' && (
          <>
            <dt>Note</dt>
            <dd>{voucher.metadata.note}</dd>
          </>
        )}
      </dl>

      <section aria-labelledby="voucher-timeline-title">
        <h3 id="voucher-timeline-title">Timeline</h3>
        {events.length === 0 ? (
          <p className="muted">No events.</p>
        ) : (
          <ol className="timeline" data-testid="voucher-timeline">
            {events.map((event) => (
              <li key={event.id}>
                <div className="row-between">
                  <strong>{eventLabel(event.event_type)}</strong>
                  <time dateTime={event.created_at} className="muted">
                    {formatDateTime(event.created_at)}
                  </time>
                </div>
                {event.station_id && <div className="muted">at {stationText(stations, event.station_id, '')}</div>}
                <ContextLine context={event.context} />
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="voucher-audit-title">
        <h3 id="voucher-audit-title">Audit</h3>
        {audit.length === 0 ? (
          <p className="muted">No audit entries.</p>
        ) : (
          <ol className="audit-entries" data-testid="voucher-audit">
            {audit.map((entry, i) => {
              const diff = (entry.diff ?? {}) as { before?: unknown; after?: unknown };
              return (
                <li key={`${entry.seq ?? 'pending'}-${i}`}>
                  {/* A creation lists every column: folded; changes are short and shown. */}
                  <details open={entry.action !== 'insert'}>
                    <summary>
                      <strong>{entry.action}</strong>{' '}
                      <span className="muted">
                        by {entry.actor_kind} · {entry.seq === null ? 'pending' : `#${entry.seq}`} ·{' '}
                        {formatDateTime(entry.created_at)}
                      </span>
                    </summary>
                    <DiffViewer before={diff.before ?? null} after={diff.after ?? null} />
                  </details>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </>
  );
}

/** An event's context as "key: value" pairs (the seed flag and nested values left out). */
function ContextLine({ context }: { context: Record<string, unknown> }) {
  const pairs = Object.entries(context).filter(
    ([key, value]) => key !== 'seed' && value !== null && typeof value !== 'object',
  );
  if (pairs.length === 0) return null;
  return (
    <div className="muted event-context">
      {pairs.map(([key, value]) => `${key.replace(/_/g, ' ')}: ${String(value)}`).join(' · ')}
    </div>
  );
}

function VoucherActions({ voucher }: { voucher: TVoucher }) {
  const toast = useToast();
  const mayVoid = useCan('vouchers.void');
  const mayResend = useCan('vouchers.resend');
  const voidMutation = useVoucherVoidMutation();
  const resend = useVoucherResendMutation();
  const [now] = useState(() => Date.now());
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);

  const showVoid = mayVoid && canBeVoided(voucher.status);
  const showResend = mayResend && canBeResent(voucher.status, voucher.expires_at, now);
  if (!showVoid && !showResend) return null;

  function closeVoid() {
    setVoiding(false);
    setReason('');
    setReasonError(null);
    voidMutation.reset();
  }

  function confirmVoid() {
    const checked = ZVoidVoucherRequest.safeParse({ reason });
    if (!checked.success) {
      setReasonError(reason.trim() === '' ? 'Give a reason' : 'At least 3 characters (at most 500)');
      return;
    }
    voidMutation.mutate(
      { id: voucher.id, ...checked.data },
      {
        onSuccess: () => {
          toast.show('success', `Voucher ${voucher.code5} voided`);
          closeVoid();
        },
        onError: (error) => setReasonError(fieldErrors(error).reason ?? errorMessage(error)),
      },
    );
  }

  function doResend() {
    resend.mutate(voucher.id, {
      onSuccess: ({ delivery }) =>
        toast.show(
          delivery.status === 'sent' ? 'success' : 'info',
          `Voucher ${voucher.code5}: ${deliveryText(delivery)}.`,
        ),
      onError: (error) => toast.show('error', `Resend failed: ${errorMessage(error)}`),
    });
  }

  return (
    <div className="actions voucher-actions">
      {showResend && (
        <button type="button" className="secondary" disabled={resend.isPending} onClick={doResend}>
          {resend.isPending ? 'Sending…' : voucher.status === 'issued' ? 'Send card' : 'Resend card'}
        </button>
      )}
      {showVoid && (
        <button type="button" className="danger" onClick={() => setVoiding(true)}>
          Void…
        </button>
      )}
      <>
        <ConfirmDialog
          open={voiding}
          title={`Void voucher ${voucher.code5}?`}
          confirmLabel="Void voucher"
          danger
          busy={voidMutation.isPending}
          onConfirm={confirmVoid}
          onClose={closeVoid}
        >
          <p>It can no longer be redeemed. This cannot be undone.</p>
          <label>
            Reason
            <textarea
              rows={3}
              maxLength={500}
              required
              value={reason}
              onChange={(event) => {
                setReason(event.target.value);
                setReasonError(null);
              }}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? 'void-reason-error' : undefined}
            />
            {reasonError && (
              <span className="field-error" id="void-reason-error" role="alert">
                {reasonError}
              </span>
            )}
          </label>
        </ConfirmDialog>
      </>
    </div>
  );
}
