import { ApiError } from '@easymo/client';
import { isAdmin, roleLabel } from '@easymo/domain';
import type { Session } from '@supabase/supabase-js';
import { useMeQuery } from '../data/me/me-query.ts';

/** Who is signed in, as the server sees it (`GET /admin/me`). */
export function AccountPage({ session }: { session: Session }) {
  const me = useMeQuery(session.user.id);

  if (me.isPending) {
    return (
      <p className="muted" aria-busy="true">
        Loading your account…
      </p>
    );
  }
  if (me.isError) {
    const message = me.error instanceof ApiError ? me.error.message : 'Something went wrong.';
    return (
      <div role="alert" className="card error-card">
        <p>Your account could not be loaded: {message}</p>
        <button type="button" onClick={() => void me.refetch()}>
          Try again
        </button>
      </div>
    );
  }

  const { id, email, roles } = me.data;
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Your account</h2>
      <dl>
        <dt>Email</dt>
        <dd data-testid="me-email">{email}</dd>
        <dt>User id</dt>
        <dd>
          <code>{id}</code>
        </dd>
        <dt>Roles</dt>
        <dd data-testid="me-roles">
          {roles.length === 0
            ? 'None'
            : roles.map((role) => (
                <span key={role} className="chip">
                  {roleLabel(role)}
                </span>
              ))}
        </dd>
      </dl>
      {!isAdmin(roles) && (
        <p className="notice" role="status">
          This account has no admin role, so the panel has nothing to show it. Ask a super admin to grant you a role.
        </p>
      )}
    </section>
  );
}
