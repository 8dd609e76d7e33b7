/**
 * Admin accounts and their roles (super admins only; the navigation hides the page from
 * others and the server refuses them). Invite someone with roles, or change an account's
 * roles; taking roles away is confirmed first. The server refuses to leave the programme
 * without a super admin, and says so.
 */
import { ZInviteAdminRequest, ZSetRolesRequest, type TAdminUser } from '@easymo/contracts';
import { ADMIN_ACTIONS, ADMIN_ROLES, roleLabel, type AdminAction, type AdminRole } from '@easymo/domain';
import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useUserInviteMutation } from '../../data/users/user-invite-mutation.ts';
import { useUserRolesUpdateMutation } from '../../data/users/user-roles-update-mutation.ts';
import { useAdminUsersQuery } from '../../data/users/users-query.ts';
import { errorMessage, issueMessages } from '../../lib/errors.ts';
import { formatAge, formatDateTime } from '../../lib/format.ts';
import { useMe } from '../../shell/access.tsx';

const ACTION_WORDS: Record<AdminAction, string> = {
  'panel.read': 'read the whole panel',
  'vouchers.issue': 'issue vouchers',
  'vouchers.void': 'void vouchers',
  'vouchers.resend': 'resend vouchers',
  'stations.edit': 'edit stations and operators',
  'settings.edit': 'change settings',
  'users.manage': 'manage admin users',
  'campaigns.run': 'run campaigns',
  'campaigns.targets': 'see campaign targets',
  'quotes.review': 'decide insurance quotes',
  'quotes.documents': 'open insurance documents',
};

/** What a role may do, in words, from the same table the panel and tests use. */
function roleDescription(role: AdminRole): string {
  const actions = (Object.keys(ADMIN_ACTIONS) as AdminAction[]).filter((action) =>
    (ADMIN_ACTIONS[action] as readonly AdminRole[]).includes(role),
  );
  const words = actions.map((a) => ACTION_WORDS[a]);
  if (words.length <= 1) return `Can ${words[0] ?? 'do nothing'}.`;
  return `Can ${words.slice(0, -1).join(', ')} and ${words.at(-1)}.`;
}

type DialogState = { mode: 'invite' } | { mode: 'roles'; user: TAdminUser } | null;

export function UsersPage() {
  const users = useAdminUsersQuery();
  const [dialog, setDialog] = useState<DialogState>(null);

  return (
    <div className="page">
      <header className="page-head">
        <h1>Admin users</h1>
        <span className="muted">Who can use this panel, and what each may do.</span>
        <div className="actions">
          <button type="button" onClick={() => setDialog({ mode: 'invite' })}>
            Invite admin
          </button>
        </div>
      </header>

      {users.isPending ? (
        <Loading label="Loading admin users…" />
      ) : users.isError ? (
        <ErrorNotice error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <EmptyState title="No admin users" />
      ) : (
        <section className="card table-card" aria-label="Admin users">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Roles</th>
                <th scope="col">Granted</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <tr key={user.user_id} data-testid="admin-user">
                  <td>
                    <strong>{user.full_name ?? user.email ?? user.user_id}</strong>
                    {user.full_name && user.email && <div className="muted">{user.email}</div>}
                  </td>
                  <td>
                    {user.roles.length === 0 ? (
                      <span className="muted">No role (access revoked)</span>
                    ) : (
                      user.roles.map((role) => (
                        <span key={role} className="chip">
                          {roleLabel(role)}
                        </span>
                      ))
                    )}
                  </td>
                  <td>
                    {formatDateTime(user.granted_at)}
                    <div className="muted">
                      by {user.granted_by_email ?? (user.granted_by ? 'a removed account' : 'setup')}
                    </div>
                  </td>
                  <td title={formatDateTime(user.last_sign_in_at)}>{formatAge(user.last_sign_in_at)}</td>
                  <td className="num">
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Edit roles of ${user.email ?? user.user_id}`}
                      onClick={() => setDialog({ mode: 'roles', user })}
                    >
                      Edit roles
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {dialog?.mode === 'invite' && <InviteDialog onClose={() => setDialog(null)} />}
      {dialog?.mode === 'roles' && <RolesDialog user={dialog.user} onClose={() => setDialog(null)} />}
    </div>
  );
}

function RoleChoices({
  value,
  onChange,
  describedBy,
}: {
  value: readonly AdminRole[];
  onChange: (roles: AdminRole[]) => void;
  describedBy?: string;
}) {
  return (
    <fieldset className="plain-fieldset role-choices" aria-describedby={describedBy}>
      <legend>Roles</legend>
      {ADMIN_ROLES.map((role) => (
        <label key={role} className="checkbox">
          <input
            type="checkbox"
            checked={value.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...value, role] : value.filter((r) => r !== role))}
          />
          <span>
            <strong>{roleLabel(role)}</strong>
            <span className="muted"> {roleDescription(role)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function InviteDialog({ onClose }: { onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const invite = useUserInviteMutation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<AdminRole[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = ZInviteAdminRequest.safeParse({
      email,
      roles,
      ...(name.trim() ? { full_name: name } : {}),
    });
    if (!parsed.success) {
      setErrors(issueMessages(parsed.error));
      return;
    }
    setErrors({});
    invite.mutate(parsed.data, {
      onSuccess: ({ user }) => {
        toast.show('success', `Invitation sent to ${user.email ?? parsed.data.email}`);
        onClose();
      },
      onError: (error) => setErrors({ email: errorMessage(error) }),
    });
  }

  return (
    <Dialog title="Invite an admin" open onClose={onClose}>
      <form onSubmit={submit} noValidate aria-label="Invite an admin">
        <fieldset className="plain-fieldset" disabled={invite.isPending}>
          <div className="form-field">
            <label htmlFor={`${id}-email`}>Email</label>
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="off"
              value={email}
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={`${id}-email-msg`}
              onChange={(e) => setEmail(e.target.value)}
            />
            <span id={`${id}-email-msg`} className={errors.email ? 'field-error' : 'hint'}>
              {errors.email ?? 'They get an email to set their password.'}
            </span>
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-name`}>Name (optional)</label>
            <input
              id={`${id}-name`}
              autoComplete="off"
              value={name}
              aria-invalid={errors.full_name ? true : undefined}
              onChange={(e) => setName(e.target.value)}
            />
            {errors.full_name && <span className="field-error">{errors.full_name}</span>}
          </div>
          <RoleChoices value={roles} onChange={setRoles} describedBy={`${id}-roles-msg`} />
          <span id={`${id}-roles-msg`} className="field-error">
            {errors.roles}
          </span>
        </fieldset>
        <footer className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={invite.isPending}>
            {invite.isPending ? 'Inviting…' : 'Send invitation'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

/**
 * Setting an account's roles. Taking any role away is a second step in the same dialog
 * (one modal at a time) that names what is lost.
 */
function RolesDialog({ user, onClose }: { user: TAdminUser; onClose: () => void }) {
  const me = useMe();
  const toast = useToast();
  const update = useUserRolesUpdateMutation();
  const [roles, setRoles] = useState<AdminRole[]>(user.roles);
  const [confirming, setConfirming] = useState(false);
  const who = user.email ?? user.user_id;
  const removed = user.roles.filter((r) => !roles.includes(r));
  const added = roles.filter((r) => !user.roles.includes(r));
  const unchanged = removed.length === 0 && added.length === 0;
  const self = user.user_id === me.id;

  function save() {
    const body = ZSetRolesRequest.parse({ roles });
    update.mutate(
      { userId: user.user_id, body },
      {
        onSuccess: () => {
          toast.show('success', `Roles of ${who} saved`);
          onClose();
        },
        onError: () => setConfirming(false),
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (unchanged) return onClose();
    if (removed.length > 0 && !confirming) {
      setConfirming(true);
      return;
    }
    save();
  }

  return (
    <Dialog title={confirming ? 'Take roles away?' : `Roles of ${who}`} open onClose={onClose}>
      <form onSubmit={submit} noValidate aria-label={`Roles of ${who}`}>
        {confirming ? (
          <div data-testid="confirm-remove-roles">
            <p>
              <strong>{who}</strong> will lose {removed.map(roleLabel).join(', ')}
              {roles.length === 0 ? ' and with it all access to this panel' : ''}.
            </p>
            {self && removed.includes('super_admin') && (
              <p className="notice">This is your own account: you will no longer be able to manage admin users.</p>
            )}
          </div>
        ) : (
          <fieldset className="plain-fieldset" disabled={update.isPending}>
            <RoleChoices value={roles} onChange={setRoles} />
            {roles.length === 0 && (
              <p className="notice">With no role, this account can no longer open the admin panel.</p>
            )}
          </fieldset>
        )}
        {update.isError && (
          <p role="alert" className="error">
            {errorMessage(update.error)}
          </p>
        )}
        <footer className="dialog-actions">
          <button type="button" className="secondary" onClick={() => (confirming ? setConfirming(false) : onClose())}>
            {confirming ? 'Back' : 'Cancel'}
          </button>
          <button type="submit" className={confirming ? 'danger' : undefined} disabled={update.isPending}>
            {update.isPending ? 'Saving…' : confirming ? 'Remove roles' : 'Save roles'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
