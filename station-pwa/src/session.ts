/**
 * Who is operating the tablet. Normally supabase-js's session; but a tablet that starts
 * offline with an access token that expired overnight cannot refresh it, and supabase-js
 * then reports no session while keeping the stored one (it removes it only when a refresh
 * is refused for good). The station keeps working from that stored operator: redemptions
 * queue, and the first sync online refreshes the token.
 */
import { useSession } from '@easymo/client';
import { STORAGE_KEY, supabase } from './supabase.ts';

export interface Operator {
  id: string;
  email: string | undefined;
}

function storedOperator(): Operator | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as {
      user?: { id?: string; email?: string };
    } | null;
    return stored?.user?.id ? { id: stored.user.id, email: stored.user.email } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * undefined while loading, null when signed out. The stored operator is used at once:
 * offline, supabase-js keeps retrying an expired token's refresh for up to 30 s before it
 * answers, and the pump cannot wait that long.
 */
export function useOperator(): Operator | null | undefined {
  const session = useSession(supabase);
  if (session) return { id: session.user.id, email: session.user.email };
  const stored = storedOperator();
  if (stored) return stored;
  return session === undefined ? undefined : null;
}
