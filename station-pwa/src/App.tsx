import { useSession } from '@easymo/client';
import { HomeScreen } from './HomeScreen.tsx';
import { SignInScreen } from './SignInScreen.tsx';
import { supabase } from './supabase.ts';

export function App() {
  const session = useSession(supabase);
  if (session === undefined) return null;
  return session ? <HomeScreen /> : <SignInScreen />;
}
