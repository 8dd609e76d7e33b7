/** The current auth session as React state, following supabase-js's auth events. */
import type { GoTrueClient, Session } from '@supabase/auth-js';
import { useEffect, useState } from 'react';

/** `undefined` while the stored session is being read, then a session or null. */
export function useSession(supabase: {
  auth: Pick<GoTrueClient, 'getSession' | 'onAuthStateChange'>;
}): Session | null | undefined {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    let active = true;
    void supabase.auth.getSession().then(({ data }) => {
      if (active) setSession(data.session);
    });
    const { data } = supabase.auth.onAuthStateChange((_event, next) => setSession(next));
    return () => {
      active = false;
      data.subscription.unsubscribe();
    };
  }, [supabase]);
  return session;
}
