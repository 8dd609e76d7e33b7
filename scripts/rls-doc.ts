/**
 * docs/security/rls-matrix.md, rendered from supabase/tests/rls-matrix.json: the same
 * cells that supabase/tests/database/06_rls_matrix.sql runs, so the document cannot
 * promise what the tests do not prove.
 *
 *   pnpm docs:rls   rewrite the document
 * The unit suite fails when the committed document differs from the rendering.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

export const MATRIX_FILE = 'supabase/tests/rls-matrix.json';
export const DOC_FILE = 'docs/security/rls-matrix.md';

const IDENTITIES = [
  'anon',
  'super_admin',
  'support',
  'data_ops',
  'readonly',
  'operator_a',
  'operator_b',
  'service_role',
] as const;
const OPERATIONS = ['select', 'insert', 'update', 'delete'] as const;
const GROUPS: Record<string, readonly string[]> = {
  admins: ['super_admin', 'support', 'data_ops', 'readonly'],
  operators: ['operator_a', 'operator_b'],
};

type Outcome = string | { where: string; note: string };
type Operation = Record<string, Outcome | string> & { sql?: string; note?: string };

interface Relation {
  name: string;
  relation: string;
  scope?: string;
  readonly_view?: boolean;
  select?: Operation;
  insert?: Operation;
  update?: Operation;
  delete?: Operation;
}

interface Matrix {
  about: string;
  identities: Record<string, string>;
  relations: Relation[];
}

/** One outcome per identity, groups expanded; throws when a cell is missing or doubled. */
export function expand(operation: Operation, where: string): Map<string, Outcome> {
  const cells = new Map<string, Outcome>();
  for (const [key, value] of Object.entries(operation)) {
    if (key === 'sql' || key === 'note') continue;
    for (const identity of GROUPS[key] ?? [key]) {
      if (cells.has(identity)) throw new Error(`${where}: ${identity} is given twice`);
      cells.set(identity, value as Outcome);
    }
  }
  const missing = IDENTITIES.filter((i) => !cells.has(i));
  if (missing.length > 0) throw new Error(`${where}: no outcome for ${missing.join(', ')}`);
  return cells;
}

function label(operation: string, outcome: Outcome): string {
  if (typeof outcome === 'object') return `✔ ${outcome.note}`;
  switch (outcome) {
    case 'all':
      return '✔ all rows';
    case 'allowed':
      return '✔';
    case 'none':
      return operation === 'select' ? '0 rows' : '0 rows changed';
    case 'denied':
      return '✘ no grant';
    case 'rls':
      return '✘ policy';
    default:
      throw new Error(`unknown outcome ${outcome}`);
  }
}

export function renderRlsDoc(matrix: Matrix): string {
  const out: string[] = [
    '<!-- Generated from supabase/tests/rls-matrix.json by `pnpm docs:rls`. Do not edit by hand. -->',
    '',
    '# RLS matrix',
    '',
    'Who may read and write what, through the API roles, for every table, view and bucket. Every',
    'cell below is a test: `supabase/tests/database/06_rls_matrix.sql` runs it against the seeded',
    'database as that identity, in its own rolled-back subtransaction, and names the test',
    '`<relation> · <identity> · <operation>` (e.g. `vouchers · operator_a · select`), so any cell',
    'can be found in the `pnpm test` output.',
    '',
    '**Reading a cell**',
    '',
    '- `✔ all rows` / `✔ <subset>`: the select returns exactly those rows (checked row by row against the superuser view).',
    '- `✔`: the write succeeds on the row named under the table.',
    '- `0 rows` / `0 rows changed`: RLS hides the rows; no error (an RLS-blocked UPDATE or DELETE changes nothing silently).',
    '- `✘ no grant`: refused with `permission denied` (no GRANT for that role).',
    '- `✘ policy`: refused with `new row violates row-level security policy` (a WITH CHECK said no).',
    '',
    '**Identities**',
    '',
    ...IDENTITIES.map((id) => `- \`${id}\`: ${matrix.identities[id] ?? ''}`),
    '',
    'Roles are read from `admin_roles` at each statement (`app.has_role`), so a granted or revoked role takes effect at',
    'once. Operators are matched to their station through `station_operators` (`app.operator_station_id()`). The',
    'service role bypasses RLS, so only its grants limit it.',
    '',
  ];
  for (const relation of matrix.relations) {
    out.push(`## ${relation.name}`, '');
    out.push(
      `\`${relation.relation}\`${relation.scope ? ` where \`${relation.scope}\`` : ''}${relation.readonly_view ? ' (read-only view)' : ''}`,
      '',
    );
    const operations = OPERATIONS.filter((op) => relation[op]);
    const cells = Object.fromEntries(
      operations.map((op) => [op, expand(relation[op] as Operation, `${relation.name} ${op}`)]),
    );
    out.push(`| identity | ${operations.join(' | ')} |`, `|---|${operations.map(() => '---').join('|')}|`);
    for (const identity of IDENTITIES) {
      out.push(`| ${identity} | ${operations.map((op) => label(op, cells[op]?.get(identity) ?? '')).join(' | ')} |`);
    }
    const notes = operations
      .filter((op) => op !== 'select' && relation[op]?.note)
      .map((op) => `${op}: ${relation[op]?.note}`);
    if (notes.length > 0) out.push('', `Rows written: ${notes.join('; ')}.`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function readMatrix(root: string): Matrix {
  return JSON.parse(readFileSync(path.join(root, MATRIX_FILE), 'utf8')) as Matrix;
}

/** The document as committed: rendered, then laid out by Prettier like every file. */
export async function rlsDoc(root: string): Promise<string> {
  const file = path.join(root, DOC_FILE);
  return format(renderRlsDoc(readMatrix(root)), { ...((await resolveConfig(file)) ?? {}), filepath: file });
}

// `pnpm docs:rls`
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  writeFileSync(path.join(root, DOC_FILE), await rlsDoc(root));
  console.log(`wrote ${DOC_FILE}`);
}
