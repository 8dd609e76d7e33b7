/** Email + password sign-in state for a form: busy flag and a message people can act on. */
import type { GoTrueClient } from '@supabase/auth-js';
import { useState } from 'react';

export function usePasswordSignIn(supabase: { auth: Pick<GoTrueClient, 'signInWithPassword'> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(email: string, password: string): Promise<void> {
    setBusy(true);
    setError(null);
    const { error: failure } = await supabase.auth.signInWithPassword({ email: email.trim(), password });
    setBusy(false);
    if (failure) setError(failure.code === 'invalid_credentials' ? 'Wrong email or password.' : failure.message);
  }

  return { signIn, busy, error };
}
