import { useSession } from '@easymo/client';
import { isAdmin } from '@easymo/domain';
import { useQueryClient } from '@tanstack/react-query';
import { SignInPage } from './auth/SignInPage.tsx';
import { Toaster } from './components/Toaster.tsx';
import { ErrorNotice, Loading } from './components/states.tsx';
import { useMeQuery } from './data/me/me-query.ts';
import { supabase } from './lib/supabase.ts';
import { AccountPage } from './pages/AccountPage.tsx';
import { MeProvider } from './shell/access.tsx';
import { Shell } from './shell/Shell.tsx';

export function App() {
  const session = useSession(supabase);
  if (session === undefined) return null;
  if (session === null) return <SignInPage />;
  return <SignedIn userId={session.user.id} />;
}

function SignedIn({ userId }: { userId: string }) {
  const queryClient = useQueryClient();
  const me = useMeQuery(userId);

  async function signOut() {
    await supabase.auth.signOut();
    queryClient.clear();
  }

  if (me.isPending) return <Loading label="Loading your account…" />;
  if (me.isError) {
    return (
      <main className="content">
        <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  }
  return (
    <MeProvider me={me.data}>
      <Toaster>
        {isAdmin(me.data.roles) ? (
          <Shell onSignOut={() => void signOut()} />
        ) : (
          <main className="content">
            <AccountPage />
            <button type="button" className="secondary" onClick={() => void signOut()}>
              Sign out
            </button>
          </main>
        )}
      </Toaster>
    </MeProvider>
  );
}
