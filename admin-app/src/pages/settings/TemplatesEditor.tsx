/**
 * `templates`: the message templates campaigns and voucher sends use. A list, and a dialog
 * to add or edit one: its variables are read from the body (`{{name}}` slots), never
 * typed, and a preview fills them with sample values as a recipient would read it. The
 * whole list is checked with ZTemplatesSetting (unique ids included) before saving.
 */
import { ZTemplatesSetting, type TMessageTemplate, type TTemplatesSetting } from '@easymo/contracts';
import { renderTemplate, SAMPLE_TEMPLATE_VALUES, templateVariables } from '@easymo/domain';
import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/states.tsx';
import { issueMessages } from '../../lib/errors.ts';

const CATEGORIES: TMessageTemplate['category'][] = ['utility', 'marketing', 'authentication'];

type Editing = { index: number } | { index: 'new' } | null;

export function TemplatesEditor({
  templates,
  readOnly,
  saving,
  serverErrors,
  onSave,
}: {
  templates: TTemplatesSetting;
  readOnly: boolean;
  saving: boolean;
  /** Server field messages keyed "<index>.<field>". */
  serverErrors: Record<string, string>;
  onSave: (next: TTemplatesSetting, onSaved: () => void) => void;
}) {
  const [editing, setEditing] = useState<Editing>(null);
  // Deleting asks in its own dialog, opened once the edit dialog is gone (one modal at a time).
  const [deleting, setDeleting] = useState<number | null>(null);
  const current = editing && editing.index !== 'new' ? templates[editing.index] : undefined;
  const doomed = deleting === null ? undefined : templates[deleting];

  return (
    <div className="templates">
      {templates.length === 0 ? (
        <EmptyState title="No templates">Campaigns need at least one template to send.</EmptyState>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Template</th>
              <th scope="col">Language</th>
              <th scope="col">Category</th>
              <th scope="col">Variables</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.map((t, index) => (
              <tr key={t.id} data-testid="template-row">
                <td>
                  <strong>{t.name}</strong> <code className="muted">{t.id}</code>
                  <div className="muted template-excerpt">{t.body}</div>
                </td>
                <td>{t.language}</td>
                <td>{t.category}</td>
                <td>
                  {t.variables.map((v) => (
                    <code key={v} className="variable">
                      {v}
                    </code>
                  ))}
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`${readOnly ? 'View' : 'Edit'} ${t.name}`}
                    onClick={() => setEditing({ index })}
                  >
                    {readOnly ? 'View' : 'Edit'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!readOnly && (
        <div className="qh-actions">
          <button type="button" className="secondary" onClick={() => setEditing({ index: 'new' })}>
            New template
          </button>
        </div>
      )}
      {editing && (
        <TemplateDialog
          key={editing.index}
          index={editing.index}
          template={current}
          templates={templates}
          readOnly={readOnly}
          saving={saving}
          serverErrors={serverErrors}
          onSave={onSave}
          onDelete={(index) => {
            setEditing(null);
            setDeleting(index);
          }}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmDialog
        open={doomed !== undefined}
        title={`Delete ${doomed?.name ?? 'this template'}?`}
        confirmLabel="Delete template"
        danger
        busy={saving}
        onConfirm={() =>
          onSave(
            templates.filter((_, i) => i !== deleting),
            () => setDeleting(null),
          )
        }
        onClose={() => setDeleting(null)}
      >
        Campaigns that use <code>{doomed?.id}</code> will have no template to send until another is chosen.
      </ConfirmDialog>
    </div>
  );
}

function TemplateDialog({
  index,
  template,
  templates,
  readOnly,
  saving,
  serverErrors,
  onSave,
  onDelete,
  onClose,
}: {
  index: number | 'new';
  template: TMessageTemplate | undefined;
  templates: TTemplatesSetting;
  readOnly: boolean;
  saving: boolean;
  serverErrors: Record<string, string>;
  onSave: (next: TTemplatesSetting, onSaved: () => void) => void;
  onDelete: (index: number) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState({
    id: template?.id ?? '',
    name: template?.name ?? '',
    language: template?.language ?? 'en',
    category: template?.category ?? ('utility' as TMessageTemplate['category']),
    body: template?.body ?? '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const isNew = index === 'new';
  const position = isNew ? templates.length : index;
  const variables = templateVariables(draft.body);
  const missingSamples = variables.filter((v) => SAMPLE_TEMPLATE_VALUES[v] === undefined);

  const message = (field: string) => errors[field] ?? serverErrors[`${position}.${field}`];

  function set<F extends keyof typeof draft>(field: F, value: (typeof draft)[F]) {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((all) => {
      const { [field]: _dropped, ...rest } = all;
      return rest;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const edited: TMessageTemplate = { ...draft, variables };
    const next = isNew ? [...templates, edited] : templates.map((t, i) => (i === index ? edited : t));
    const parsed = ZTemplatesSetting.safeParse(next);
    if (!parsed.success) {
      // Only this template's messages: "<position>.<field>".
      const mine: Record<string, string> = {};
      for (const [path, text] of Object.entries(issueMessages(parsed.error))) {
        const [at, ...field] = path.split('.');
        if (at === String(position)) mine[field.join('.') || 'body'] = text;
        else if (path === '') mine.body = text;
      }
      setErrors(mine);
      return;
    }
    onSave(parsed.data, onClose);
  }

  const title = readOnly ? (template?.name ?? 'Template') : isNew ? 'New template' : `Edit ${template?.name ?? ''}`;
  return (
    <Dialog title={title} open onClose={onClose} wide>
      <form onSubmit={submit} noValidate aria-label={title}>
        <fieldset disabled={readOnly || saving} className="plain-fieldset template-form">
          <div className="template-fields">
            <div className="form-field">
              <label htmlFor={`${id}-id`}>Id</label>
              <input
                id={`${id}-id`}
                value={draft.id}
                disabled={!isNew}
                aria-invalid={message('id') ? true : undefined}
                aria-describedby={`${id}-id-msg`}
                onChange={(e) => set('id', e.target.value.trim())}
              />
              <span id={`${id}-id-msg`} className={message('id') ? 'field-error' : 'hint'}>
                {message('id') ??
                  (isNew
                    ? 'lower_case_with_underscores; fixed once saved'
                    : 'Campaigns refer to this id: it is fixed.')}
              </span>
            </div>
            <div className="form-field">
              <label htmlFor={`${id}-name`}>Name</label>
              <input
                id={`${id}-name`}
                value={draft.name}
                aria-invalid={message('name') ? true : undefined}
                aria-describedby={`${id}-name-msg`}
                onChange={(e) => set('name', e.target.value)}
              />
              <span id={`${id}-name-msg`} className="field-error">
                {message('name')}
              </span>
            </div>
            <div className="form-field">
              <label htmlFor={`${id}-language`}>Language</label>
              <input
                id={`${id}-language`}
                value={draft.language}
                aria-invalid={message('language') ? true : undefined}
                aria-describedby={`${id}-language-msg`}
                onChange={(e) => set('language', e.target.value.trim())}
              />
              <span id={`${id}-language-msg`} className={message('language') ? 'field-error' : 'hint'}>
                {message('language') ?? 'en, fr, rw, or en_US'}
              </span>
            </div>
            <div className="form-field">
              <label htmlFor={`${id}-category`}>Category</label>
              <select
                id={`${id}-category`}
                value={draft.category}
                onChange={(e) => set('category', e.target.value as TMessageTemplate['category'])}
              >
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-body`}>Body</label>
            <textarea
              id={`${id}-body`}
              rows={5}
              value={draft.body}
              aria-invalid={message('body') ? true : undefined}
              aria-describedby={`${id}-body-msg`}
              onChange={(e) => set('body', e.target.value)}
            />
            <span id={`${id}-body-msg`} className={message('body') ? 'field-error' : 'hint'}>
              {message('body') ?? 'Write {{variable}} where a value goes, e.g. Hello {{name}}.'}
            </span>
          </div>
          <div className="template-variables" data-testid="template-variables">
            <strong>Variables: </strong>
            {variables.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              variables.map((v) => (
                <code key={v} className="variable">
                  {v}
                </code>
              ))
            )}
            {message('variables') && <span className="field-error">{message('variables')}</span>}
          </div>
          <figure className="template-preview-figure">
            <figcaption className="muted">Preview with sample values</figcaption>
            <blockquote className="template-preview" data-testid="template-preview">
              {draft.body.trim() ? renderTemplate(draft.body, SAMPLE_TEMPLATE_VALUES) : '…'}
            </blockquote>
            {missingSamples.length > 0 && (
              <p className="muted">
                No sample value for {missingSamples.map((v) => `{{${v}}}`).join(', ')}: shown as written.
              </p>
            )}
          </figure>
        </fieldset>
        <footer className="dialog-actions">
          {!readOnly && !isNew && (
            <button
              type="button"
              className="secondary danger-text"
              onClick={() => typeof index === 'number' && onDelete(index)}
            >
              Delete template
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="secondary" onClick={onClose}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
          {!readOnly && (
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : 'Save template'}
            </button>
          )}
        </footer>
      </form>
    </Dialog>
  );
}
