/** Words the campaign pages show for statuses, types, progress groups and why a target waits. */
import type { TCampaignProgress } from '@easymo/contracts';
import type { CampaignStatus, CampaignTargetStatus } from '@easymo/domain';

export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
};

export const CAMPAIGN_TYPE_LABELS = { promo: 'Promo', voucher: 'Voucher' } as const;

export const TARGET_STATUS_LABELS: Record<CampaignTargetStatus, string> = {
  queued: 'Queued',
  queued_throttled: 'Waiting (throttle)',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  opted_out: 'Opted out',
};

/**
 * The progress bar's groups, in the order a message goes: still to send (queued and
 * throttled), then each outcome. `read` implies delivered implies sent; each target
 * counts once, in its latest status.
 */
export const PROGRESS_GROUPS = ['read', 'delivered', 'sent', 'failed', 'opted_out', 'pending'] as const;
export type ProgressGroup = (typeof PROGRESS_GROUPS)[number];

export const PROGRESS_LABELS: Record<ProgressGroup, string> = {
  read: 'Read',
  delivered: 'Delivered',
  sent: 'Sent',
  failed: 'Failed',
  opted_out: 'Opted out',
  pending: 'Pending',
};

export interface ProgressCounts extends Record<ProgressGroup, number> {
  total: number;
  /** Targets with an outcome: everything but pending. */
  handled: number;
}

/** The counts per progress group from the API's counts per target status (a missing status counts 0). */
export function progressCounts(progress: Partial<TCampaignProgress>): ProgressCounts {
  const n = (status: CampaignTargetStatus) => progress[status] ?? 0;
  const counts = {
    read: n('read'),
    delivered: n('delivered'),
    sent: n('sent'),
    failed: n('failed'),
    opted_out: n('opted_out'),
    pending: n('queued') + n('queued_throttled'),
  };
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { ...counts, total, handled: total - counts.pending };
}

/** Why a target waits, in words: "quiet hours", "the throttle", "WhatsApp error 131056". */
export function waitingText(waitingFor: string | null): string | null {
  if (!waitingFor) return null;
  if (waitingFor === 'quiet_hours') return 'Quiet hours';
  if (waitingFor === 'throttle') return 'The send throttle';
  if (/^\d+$/.test(waitingFor)) return `WhatsApp error ${waitingFor}`;
  return waitingFor.replace(/_/g, ' ');
}

/** "3 h 20 min", "45 min", "2 d 4 h": a duration in minutes as people say it. */
export function formatDuration(minutes: number): string {
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours === 0 ? `${days} d` : `${days} d ${restHours} h`;
}
