/**
 * Which of start / pause / resume / finish a campaign offers: the moves its state machine
 * (campaignMachine) allows from its status, to people who run campaigns. Start and resume
 * both lead to `running`, so each also names the status it starts from.
 */
import { CAMPAIGN_ACTIONS, type TCampaignAction } from '@easymo/contracts';
import { campaignMachine, canTransition, type CampaignStatus } from '@easymo/domain';

const MOVES: Record<TCampaignAction, { from?: CampaignStatus; to: CampaignStatus }> = {
  start: { from: 'draft', to: 'running' },
  pause: { to: 'paused' },
  resume: { from: 'paused', to: 'running' },
  finish: { to: 'done' },
};

export interface OfferedAction {
  action: TCampaignAction;
  label: string;
  /** Asks first (the move cannot be taken back, or starts messaging people). */
  confirm: boolean;
  /** Why the button is there but cannot be pressed yet. */
  blockedBy?: string;
}

const LABELS: Record<TCampaignAction, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  finish: 'Finish',
};

/** The moves the machine allows from `status`, in the order they are shown. */
export function allowedActions(status: CampaignStatus): TCampaignAction[] {
  return CAMPAIGN_ACTIONS.filter((action) => {
    const move = MOVES[action];
    return (move.from === undefined || move.from === status) && canTransition(campaignMachine, status, move.to);
  });
}

/** The buttons for a campaign: none for a role that does not run campaigns. */
export function offeredActions(
  campaign: { status: CampaignStatus; targets: number; pending: number | null },
  canRun: boolean,
): OfferedAction[] {
  if (!canRun) return [];
  return allowedActions(campaign.status).map((action) => ({
    action,
    label: LABELS[action],
    confirm: action === 'start' || action === 'finish',
    // The server refuses to start a campaign with nothing to send; say so before the click.
    ...(action === 'start' && (campaign.pending ?? campaign.targets) === 0
      ? { blockedBy: campaign.targets === 0 ? 'Import targets before starting.' : 'No target is waiting to be sent.' }
      : {}),
  }));
}
