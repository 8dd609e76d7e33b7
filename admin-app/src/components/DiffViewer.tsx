/**
 * What an audited change did to a row: `before` and `after` as the audit log stores them
 * (before is null for an insert, after is null for a delete; an update holds only the
 * changed columns). Nested objects (a setting's JSON value, a location) are compared
 * field by field and shown by their path ("value.rw.start"), so a one-field change in a
 * large value reads as one line. Lists of records with an `id` are matched by id
 * (`value[promo]`), lists of plain values by what left and what arrived (`value[3]`);
 * other values are compared whole and shown as indented JSON. Unchanged fields are
 * listed under a collapsed "unchanged" section.
 *
 * Used by the audit log and the vouchers drawer; keep the props `{ before, after }`.
 */
import type { ReactNode } from 'react';

export type DiffKind = 'changed' | 'added' | 'removed' | 'unchanged';

export interface DiffEntry {
  /** Dotted path from the row's top level: "status", "value.rw.start". */
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality for JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!(key in a) || !(key in b) || !jsonEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}

/**
 * The field-by-field difference of two JSON values, in a stable order (the keys of
 * `before`, then keys only `after` has). Two objects are walked into; anything else is
 * one entry at `prefix`.
 */
export function diffEntries(before: unknown, after: unknown, prefix = ''): DiffEntry[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const byId = diffRecordsById(before, after, prefix);
    if (byId) return byId;
    const bag = diffPrimitiveBag(before, after, prefix);
    if (bag) return bag;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !(key in before))];
    return keys.flatMap((key) => {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!(key in after)) return [{ path, kind: 'removed' as const, before: before[key] }];
      if (!(key in before)) return [{ path, kind: 'added' as const, after: after[key] }];
      return diffEntries(before[key], after[key], path);
    });
  }
  const path = prefix || '(value)';
  return [
    jsonEqual(before, after) ? { path, kind: 'unchanged', before, after } : { path, kind: 'changed', before, after },
  ];
}

type Id = string | number;

function idOf(item: unknown): Id | undefined {
  if (!isPlainObject(item)) return undefined;
  const id = item.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * Two lists of records that each carry a unique `id` (message templates, say) are matched
 * by id, so adding or removing one in the middle reads as that one record added or
 * removed rather than every later position changed. Paths name the id: `value[promo]`.
 */
function diffRecordsById(before: unknown[], after: unknown[], prefix: string): DiffEntry[] | undefined {
  const beforeIds = before.map(idOf);
  const afterIds = after.map(idOf);
  const all = [...beforeIds, ...afterIds];
  if (all.length === 0 || all.some((id) => id === undefined)) return undefined;
  if (new Set(beforeIds).size !== beforeIds.length || new Set(afterIds).size !== afterIds.length) return undefined;
  const beforeById = new Map(before.map((item) => [idOf(item) as Id, item]));
  const afterById = new Map(after.map((item) => [idOf(item) as Id, item]));
  const ids = [...beforeById.keys(), ...[...afterById.keys()].filter((id) => !beforeById.has(id))];
  return ids.flatMap((id) => {
    const path = `${prefix || '(value)'}[${id}]`;
    if (!afterById.has(id)) return [{ path, kind: 'removed' as const, before: beforeById.get(id) }];
    if (!beforeById.has(id)) return [{ path, kind: 'added' as const, after: afterById.get(id) }];
    return diffEntries(beforeById.get(id), afterById.get(id), path);
  });
}

/**
 * Two lists of plain values (hashes, codes, roles) are compared as collections: what
 * left and what arrived, each with its position (`value[3]`); an unchanged list is one
 * unchanged entry. Order alone changing counts as a change of the whole list.
 */
function diffPrimitiveBag(before: unknown[], after: unknown[], prefix: string): DiffEntry[] | undefined {
  const primitive = (v: unknown) => v === null || typeof v !== 'object';
  if (!before.every(primitive) || !after.every(primitive)) return undefined;
  const path = prefix || '(value)';
  if (jsonEqual(before, after)) return [{ path, kind: 'unchanged', before, after }];
  const remaining = [...after];
  const removed: DiffEntry[] = [];
  before.forEach((item, index) => {
    const at = remaining.findIndex((other) => Object.is(other, item));
    if (at === -1) removed.push({ path: `${path}[${index}]`, kind: 'removed', before: item });
    else remaining[at] = Symbol.for('matched');
  });
  const added: DiffEntry[] = [];
  remaining.forEach((item, index) => {
    if (item !== Symbol.for('matched')) added.push({ path: `${path}[${index}]`, kind: 'added', after: item });
  });
  if (removed.length === 0 && added.length === 0) return [{ path, kind: 'changed', before, after }];
  return [...removed, ...added];
}

/** A value as people read it: text as is, everything else as (indented) JSON. */
function Value({ value, className }: { value: unknown; className: string }) {
  if (value === null || value === undefined) return <span className={`${className} diff-null`}>null</span>;
  if (typeof value === 'string') {
    return <span className={className}>{value === '' ? '""' : value}</span>;
  }
  if (typeof value === 'object') {
    return <pre className={`${className} diff-json`}>{JSON.stringify(value, null, 2)}</pre>;
  }
  return <span className={className}>{String(value)}</span>;
}

const KIND_LABEL: Record<Exclude<DiffKind, 'unchanged'>, string> = {
  changed: 'changed',
  added: 'added',
  removed: 'removed',
};

function EntryRow({ entry }: { entry: DiffEntry }) {
  let values: ReactNode;
  switch (entry.kind) {
    case 'changed':
      values = (
        <>
          <del>
            <span className="visually-hidden">before: </span>
            <Value value={entry.before} className="diff-before" />
          </del>
          <span className="diff-arrow" aria-hidden="true">
            →
          </span>
          <ins>
            <span className="visually-hidden">after: </span>
            <Value value={entry.after} className="diff-after" />
          </ins>
        </>
      );
      break;
    case 'added':
      values = (
        <ins>
          <Value value={entry.after} className="diff-after" />
        </ins>
      );
      break;
    case 'removed':
      values = (
        <del>
          <Value value={entry.before} className="diff-before" />
        </del>
      );
      break;
    case 'unchanged':
      values = <Value value={entry.after} className="diff-same" />;
      break;
  }
  return (
    <li className={`diff-row diff-${entry.kind}`} data-testid={`diff-${entry.kind}`} data-path={entry.path}>
      <div className="diff-field">
        <code>{entry.path}</code>
        {entry.kind !== 'unchanged' && <span className="diff-tag">{KIND_LABEL[entry.kind]}</span>}
      </div>
      <div className="diff-values">{values}</div>
    </li>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function DiffViewer({ before, after }: { before: unknown; after: unknown }) {
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;

  if (!hasBefore && !hasAfter) {
    return (
      <div className="diff" data-testid="diff">
        <p className="muted diff-summary">No recorded values.</p>
      </div>
    );
  }

  // An insert lists what the row was created with; a delete what it held.
  const entries = !hasBefore
    ? diffEntries({}, after)
    : !hasAfter
      ? diffEntries(before, {})
      : diffEntries(before, after);
  const shown = entries.filter((e) => e.kind !== 'unchanged');
  const unchanged = entries.filter((e) => e.kind === 'unchanged');
  const count = (kind: DiffKind) => entries.filter((e) => e.kind === kind).length;

  let summary: string;
  if (!hasBefore) summary = `Created with ${plural(shown.length, 'field', 'fields')}`;
  else if (!hasAfter) summary = `Deleted; it held ${plural(shown.length, 'field', 'fields')}`;
  else {
    const parts = [
      count('changed') > 0 && `${count('changed')} changed`,
      count('added') > 0 && `${count('added')} added`,
      count('removed') > 0 && `${count('removed')} removed`,
    ].filter(Boolean);
    summary = parts.length > 0 ? parts.join(', ') : 'No field changed';
  }

  return (
    <div className="diff" data-testid="diff">
      <p className="diff-summary">{summary}</p>
      {shown.length > 0 && (
        <ul className="diff-list">
          {shown.map((entry) => (
            <EntryRow key={`${entry.kind}:${entry.path}`} entry={entry} />
          ))}
        </ul>
      )}
      {unchanged.length > 0 && (
        <details className="diff-unchanged">
          <summary>{plural(unchanged.length, 'unchanged field', 'unchanged fields')}</summary>
          <ul className="diff-list">
            {unchanged.map((entry) => (
              <EntryRow key={`unchanged:${entry.path}`} entry={entry} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
