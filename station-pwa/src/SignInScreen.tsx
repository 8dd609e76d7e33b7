import { usePasswordSignIn } from '@easymo/client';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { db } from './db/station-db.ts';
import { useI18n } from './i18n/i18n.tsx';
import { supabase } from './supabase.ts';

/** Operator sign-in. The tablet remembers its station and last operator from the cached config. */
export function SignInScreen() {
  const { t } = useI18n();
  const remembered = useLiveQuery(() => db.meta.get('config'), []);
  // Prefilled with the tablet's last operator until someone types.
  const [typedEmail, setEmail] = useState<string | undefined>();
  const email = typedEmail ?? remembered?.value.operator.email ?? '';
  const [password, setPassword] = useState('');
  const { signIn, busy, error } = usePasswordSignIn(supabase);

  function submit(event: FormEvent) {
    event.preventDefault();
    void signIn(email, password);
  }

  return (
    <main className="screen">
      <form onSubmit={submit} aria-labelledby="title">
        <h1 id="title">{t('app_name')}</h1>
        {remembered && (
          <p className="muted" data-testid="remembered-station">
            {t('station')}: <strong>{remembered.value.station.name}</strong>
          </p>
        )}
        <label>
          {t('email')}
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('password')}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="big" disabled={busy}>
          {busy ? t('signing_in') : t('sign_in')}
        </button>
      </form>
    </main>
  );
}
