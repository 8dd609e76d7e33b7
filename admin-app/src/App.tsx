import { useSession } from '@easymo/client';
import { useQueryClient } from '@tanstack/react-query';
import { SignInPage } from './auth/SignInPage.tsx';
import { supabase } from './lib/supabase.ts';
import { AccountPage } from './pages/AccountPage.tsx';

export function App() {
  const session = useSession(supabase);
  const queryClient = useQueryClient();

  if (session === undefined) return null;
  if (session === null) return <SignInPage />;

  async function signOut() {
    await supabase.auth.signOut();
    queryClient.clear();
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">easyMO Admin</span>
        <span className="spacer" />
        <span className="muted">{session.user.email}</span>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="content">
        <AccountPage session={session} />
      </main>
    </div>
  );
}
