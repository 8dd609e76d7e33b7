/** A settings card: what the setting does, who changed it last and when, and its editor. */
import type { ReactNode } from 'react';
import { formatDateTime } from '../../lib/format.ts';

export interface SettingChange {
  updated_at: string;
  updated_by: string | null;
  updated_by_email: string | null;
}

export function LastChange({ change }: { change: SettingChange | undefined }) {
  if (!change) return <p className="muted last-change">Never changed.</p>;
  const who =
    change.updated_by_email ?? (change.updated_by ? 'an account that no longer exists' : 'the system (setup)');
  return (
    <p className="muted last-change" data-testid="last-change">
      Last changed by <strong>{who}</strong> on {formatDateTime(change.updated_at)}
    </p>
  );
}

export function SettingSection({
  id,
  title,
  description,
  change,
  children,
}: {
  id: string;
  title: string;
  description: ReactNode;
  change?: SettingChange | undefined;
  children: ReactNode;
}) {
  return (
    <section className="card setting" aria-labelledby={`${id}-title`} data-testid={`setting-${id}`}>
      <header className="setting-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {change !== undefined && <LastChange change={change} />}
      </header>
      <p className="muted setting-description">{description}</p>
      {children}
    </section>
  );
}
