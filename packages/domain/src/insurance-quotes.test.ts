import { describe, expect, it } from 'vitest';
import { CHANGE_REASON_CODES, documentKind, reviewWait } from './insurance-quotes.ts';

const at = (iso: string) => new Date(iso);

describe('review wait (SLA hint)', () => {
  const now = at('2026-11-25T12:00:00Z');

  it('counts minutes, then hours, then days and hours', () => {
    expect(reviewWait(at('2026-11-25T11:35:00Z'), now)).toEqual({ label: '25 min', level: 'ok' });
    expect(reviewWait(at('2026-11-25T09:00:00Z'), now)).toEqual({ label: '3 h', level: 'ok' });
    expect(reviewWait(at('2026-11-23T08:00:00Z'), now).label).toBe('2 d 4 h');
    expect(reviewWait(at('2026-11-22T12:00:00Z'), now).label).toBe('3 d');
  });

  it('warns from 16 hours and is overdue from 24 hours', () => {
    expect(reviewWait(at('2026-11-24T20:01:00Z'), now).level).toBe('ok');
    expect(reviewWait(at('2026-11-24T20:00:00Z'), now).level).toBe('due_soon');
    expect(reviewWait(at('2026-11-24T12:00:01Z'), now).level).toBe('due_soon');
    expect(reviewWait(at('2026-11-24T12:00:00Z'), now)).toEqual({ label: '24 h', level: 'overdue' });
  });

  it('never counts backwards when the submission time is ahead of our clock', () => {
    expect(reviewWait(at('2026-11-25T12:05:00Z'), now)).toEqual({ label: '0 min', level: 'ok' });
  });
});

describe('document kind', () => {
  it('follows the stored content type before the name', () => {
    expect(documentKind('application/pdf', 'q/scan.png')).toBe('pdf');
    expect(documentKind('image/jpeg', 'q/photo')).toBe('image');
    expect(documentKind('image/svg+xml', 'q/logo.svg')).toBe('other');
    expect(documentKind(null, 'q/Certificate.PDF')).toBe('pdf');
    expect(documentKind(null, 'q/id.webp')).toBe('image');
    expect(documentKind(null, 'q/notes.txt')).toBe('other');
  });
});

describe('change reasons', () => {
  it('are the closed list the database accepts', () => {
    // supabase/migrations/20261129090000_create_quote_review.sql, insurance_quotes_change_reason_known
    expect([...CHANGE_REASON_CODES].sort()).toEqual(
      [
        'details_mismatch',
        'document_expired',
        'document_missing',
        'document_unreadable',
        'other',
        'vehicle_not_covered',
      ].sort(),
    );
  });
});
