import { isAdmin, roleLabel } from '@easymo/domain';
import { useMe } from '../shell/access.tsx';

/** Who is signed in, as the server sees it (`GET /admin/me`). */
export function AccountPage() {
  const { id, email, roles } = useMe();
  return (
    <section className="card" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
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
