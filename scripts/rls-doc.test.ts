import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOC_FILE, expand, readMatrix, rlsDoc } from './rls-doc.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('docs/security/rls-matrix.md', () => {
  it('is the rendering of the matrix the tests run (pnpm docs:rls)', async () => {
    expect(readFileSync(path.join(root, DOC_FILE), 'utf8')).toBe(await rlsDoc(root));
  });

  it('has every identity in every cell of every relation, once', () => {
    for (const relation of readMatrix(root).relations) {
      for (const op of ['select', 'insert', 'update', 'delete'] as const) {
        const operation = relation[op];
        if (operation) expect(expand(operation, `${relation.name} ${op}`).size).toBe(8);
      }
    }
  });

  it('refuses a matrix with a missing or doubled cell', () => {
    expect(() => expand({ anon: 'denied', admins: 'all', operators: 'none' }, 'x select')).toThrow(
      'no outcome for service_role',
    );
    expect(() =>
      expand({ anon: 'denied', admins: 'all', support: 'all', operators: 'none', service_role: 'all' }, 'x select'),
    ).toThrow('support is given twice');
  });
});
