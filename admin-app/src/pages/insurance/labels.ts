/** Words for insurance quote states, decisions and history events. */
import type { TQuoteHistoryEntry, TQuoteStatus } from '@easymo/contracts';

export const QUOTE_STATUS_LABELS: Record<TQuoteStatus, string> = {
  pending: 'Pending',
  needs_changes: 'Needs changes',
  approved: 'Approved',
};

export const HISTORY_EVENT_LABELS: Record<TQuoteHistoryEntry['event'], string> = {
  submitted: 'Submitted',
  approved: 'Approved',
  sent_back: 'Sent back for changes',
  resubmitted: 'Resubmitted',
  edited: 'Edited',
};

export const WAIT_TITLES = {
  ok: 'Within the review SLA',
  due_soon: 'Close to the 24-hour review SLA',
  overdue: 'Past the 24-hour review SLA',
} as const;

/** "84000", "84,000" and "84 000" are all 84000; anything else is NaN. */
export function parsePremium(text: string): number {
  const digits = text.replace(/[\s,]/g, '');
  return /^\d+(\.\d+)?$/.test(digits) ? Number(digits) : Number.NaN;
}
