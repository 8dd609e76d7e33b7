import { describe, expect, it } from 'vitest';
import { renderTemplate, templateVariables } from './templates.ts';

describe('templates', () => {
  it('lists each variable once, in order of first use, spaces inside braces allowed', () => {
    expect(templateVariables('Hi {{name}}, {{ code }} for {{name}} ({{amount}})')).toEqual(['name', 'code', 'amount']);
  });

  it('ignores things that are not slots', () => {
    expect(templateVariables('{name} {{Name}} {{1x}} {{ }} {{a-b}}')).toEqual([]);
  });

  it('fills known slots and leaves unknown ones visible', () => {
    expect(renderTemplate('Hi {{name}}, code {{ code }}, {{missing}}', { name: 'Jean', code: '7K3QZ' })).toBe(
      'Hi Jean, code 7K3QZ, {{missing}}',
    );
  });
});
