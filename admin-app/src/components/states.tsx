/** The three states every data view has besides "here is your data". */
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/errors.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted loading" aria-busy="true">
      {label}
    </p>
  );
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="card error-card">
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}
