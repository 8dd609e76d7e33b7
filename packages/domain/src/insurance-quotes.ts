/**
 * Rules of the insurance quote review: why a quote may be sent back (the closed list the
 * database's insurance_quotes_change_reason_known check holds too), which insurers a
 * premium may come from, and how long a driver has been waiting against the review SLA.
 */

/** Why a quote goes back to the driver; the comment says what exactly to send. */
export const CHANGE_REASONS = {
  document_unreadable: 'A document is blurred or unreadable',
  document_missing: 'A required document is missing',
  document_expired: 'A document has expired',
  details_mismatch: 'Names, plate or vehicle do not match across documents',
  vehicle_not_covered: 'The vehicle cannot be covered as requested',
  other: 'Something else (the comment explains)',
} as const;
export type ChangeReason = keyof typeof CHANGE_REASONS;
export const CHANGE_REASON_CODES = Object.keys(CHANGE_REASONS) as [ChangeReason, ...ChangeReason[]];

/** Non-life insurers licensed in Rwanda that quote motor cover, as reviewers name them. */
export const INSURERS = [
  'BK General Insurance',
  'Britam',
  'Mayfair Insurance',
  'MUA Insurance',
  'Old Mutual',
  'Prime Insurance',
  'Radiant',
  'Sanlam',
  'SONARWA',
] as const;
export type Insurer = (typeof INSURERS)[number];

/** A premium is whole Rwandan francs (RWF has no minor unit in use), above zero and sane. */
export const PREMIUM_MAX_RWF = 50_000_000;

/** Support answers a submitted quote within a working day. */
export const REVIEW_SLA_HOURS = 24;
/** From here on the hint warns that the SLA is near. */
export const REVIEW_DUE_SOON_HOURS = 16;

export type WaitLevel = 'ok' | 'due_soon' | 'overdue';

export interface Wait {
  /** "25 min", "3 h", "2 d 4 h". */
  label: string;
  level: WaitLevel;
}

/** How long since `submittedAt` (never negative: a clock ahead of ours is "0 min"), against the SLA. */
export function reviewWait(submittedAt: Date, now: Date): Wait {
  const minutes = Math.max(0, Math.floor((now.getTime() - submittedAt.getTime()) / 60_000));
  const hours = minutes / 60;
  const level: WaitLevel = hours >= REVIEW_SLA_HOURS ? 'overdue' : hours >= REVIEW_DUE_SOON_HOURS ? 'due_soon' : 'ok';
  return { label: durationLabel(minutes), level };
}

function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`;
}

/**
 * How the panel shows a stored document: images and PDFs inline, anything else as a
 * download. The stored content type decides; the name's extension only when there is none.
 */
export function documentKind(mimetype: string | null, path: string): 'image' | 'pdf' | 'other' {
  const type = mimetype?.toLowerCase().split(';')[0]?.trim();
  if (type) {
    if (type === 'application/pdf') return 'pdf';
    return ['image/png', 'image/jpeg', 'image/webp'].includes(type) ? 'image' : 'other';
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === 'pdf') return 'pdf';
  return extension === 'png' || extension === 'jpg' || extension === 'jpeg' || extension === 'webp' ? 'image' : 'other';
}
