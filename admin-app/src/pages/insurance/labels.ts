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

/**
 * "84000", "84,000" and "84 000" are all 84000 (commas or spaces between groups of three);
 * anything else, "84.000" and "84,5" included, is NaN: a premium is whole francs, and a dot
 * could be a thousands separator or a decimal point.
 */
export function parsePremium(text: string): number {
  const written = text.trim();
  return /^\d+$/.test(written) || /^\d{1,3}([ ,]\d{3})+$/.test(written)
    ? Number(written.replace(/[ ,]/g, ''))
    : Number.NaN;
}
