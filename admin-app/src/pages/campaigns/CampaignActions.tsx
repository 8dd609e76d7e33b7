/**
 * The campaign's moves as buttons: only those its state machine allows from the current
 * status, only for people who run campaigns. Start (messages go out) and Finish (the rest
 * is never sent) ask first; Pause and Resume act at once, because stopping must be quick
 * and either one can be undone.
 */
import type { TCampaignAction } from '@easymo/contracts';
import type { CampaignStatus } from '@easymo/domain';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { formatCount } from '../../lib/format.ts';
import { offeredActions } from './campaign-actions.ts';

export interface ActionsCampaign {
  name: string;
  status: CampaignStatus;
  targets: number;
  /** Targets not yet sent (queued or throttled); null when the role cannot see targets. */
  pending: number | null;
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function CampaignActions({
  campaign,
  canRun,
  busy,
  onAction,
}: {
  campaign: ActionsCampaign;
  canRun: boolean;
  /** The action under way, if any: every button waits for it. */
  busy: TCampaignAction | null;
  /** Resolves once the server answered (either way); a confirmation closes then. */
  onAction: (action: TCampaignAction) => Promise<unknown>;
}) {
  const [confirming, setConfirming] = useState<TCampaignAction | null>(null);
  const offered = offeredActions(campaign, canRun);
  if (offered.length === 0) return null;

  async function act(action: TCampaignAction) {
    try {
      await onAction(action);
    } finally {
      setConfirming(null);
    }
  }

  const pending = campaign.pending ?? campaign.targets;
  return (
    <div className="campaign-actions" role="group" aria-label="Campaign actions">
      {offered.map(({ action, label, confirm, blockedBy }) => (
        <span key={action} className="campaign-action">
          <button
            type="button"
            className={action === 'finish' ? 'secondary danger-text' : action === 'pause' ? 'secondary' : undefined}
            disabled={busy !== null || blockedBy !== undefined}
            aria-describedby={blockedBy ? `campaign-${action}-blocked` : undefined}
            onClick={() => (confirm ? setConfirming(action) : void act(action))}
          >
            {busy === action ? `${label}…` : label}
          </button>
          {blockedBy && (
            <span className="muted campaign-action-note" id={`campaign-${action}-blocked`}>
              {blockedBy}
            </span>
          )}
        </span>
      ))}

      <ConfirmDialog
        open={confirming === 'start'}
        title={`Start ${campaign.name}?`}
        confirmLabel="Start sending"
        busy={busy === 'start'}
        onConfirm={() => void act('start')}
        onClose={() => setConfirming(null)}
      >
        <p>
          Messages go out to {plural(pending, 'target', 'targets')} from now on, at the send throttle&apos;s pace and
          outside each country&apos;s quiet hours. Opted-out numbers are never messaged.
        </p>
        <p className="muted">You can pause at any time.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'finish'}
        title={`Finish ${campaign.name}?`}
        confirmLabel="Finish campaign"
        danger
        busy={busy === 'finish'}
        onConfirm={() => void act('finish')}
        onClose={() => setConfirming(null)}
      >
        <p>
          {campaign.pending === null
            ? 'Targets not sent yet will never be sent.'
            : campaign.pending === 0
              ? 'Every target has been handled.'
              : `${plural(campaign.pending, 'target has', 'targets have')} not been sent yet and will never be sent.`}{' '}
          A finished campaign cannot be started again.
        </p>
      </ConfirmDialog>
    </div>
  );
}
