import { ApiError, callFunction } from '@easymo/client';
import { ZAdminMeResponse, type TAdminMeResponse } from '@easymo/contracts';
import { useEffect, useState } from 'react';
import { supabase } from './supabase.ts';

type Loaded = { state: 'loading' } | { state: 'ready'; me: TAdminMeResponse } | { state: 'failed'; message: string };

/** The signed-in operator, as the server sees them. */
export function HomeScreen() {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    let active = true;
    callFunction(supabase, 'admin/me', ZAdminMeResponse).then(
      (me) => active && setLoaded({ state: 'ready', me }),
      (error: unknown) =>
        active &&
        setLoaded({
          state: 'failed',
          message: error instanceof ApiError ? error.message : 'Could not reach the server.',
        }),
    );
    return () => {
      active = false;
    };
  }, []);

  return (
    <main className="screen">
      <h1>easyMO Station</h1>
      {loaded.state === 'loading' && <p aria-busy="true">Loading…</p>}
      {loaded.state === 'failed' && (
        <p role="alert" className="error">
          {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && (
        <p data-testid="operator">
          Signed in as <strong>{loaded.me.email}</strong>
        </p>
      )}
      <button type="button" className="big secondary" onClick={() => void supabase.auth.signOut()}>
        Sign out
      </button>
    </main>
  );
}
