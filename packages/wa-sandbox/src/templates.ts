/**
 * Template bodies for the inbox: `templates` maps a template name to its body text with
 * `{{1}}`-style (positional) or `{{name}}`-style (named) placeholders, filled from the
 * send request's `body` component parameters.
 */
import type { TemplateComponent, TemplateParameter } from './schema.ts';

/** How a parameter reads on the phone. */
export function parameterText(parameter: TemplateParameter): string {
  switch (parameter.type) {
    case 'text':
      return parameter.text;
    case 'currency':
      return parameter.currency.fallback_value;
    case 'date_time':
      return parameter.date_time.fallback_value;
    case 'payload':
      return parameter.payload;
    case 'image':
    case 'document':
    case 'video':
      return `[${parameter.type}]`;
  }
}

/** The body with its placeholders filled; placeholders without a parameter stay as written. */
export function renderTemplateBody(body: string, components: readonly TemplateComponent[]): string {
  const parameters = components.find((c) => c.type === 'body')?.parameters ?? [];
  const named = new Map<string, string>();
  for (const p of parameters) {
    if ('parameter_name' in p && typeof p.parameter_name === 'string') named.set(p.parameter_name, parameterText(p));
  }
  return body.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    if (/^\d+$/.test(key)) {
      const parameter = parameters[Number(key) - 1];
      return parameter ? parameterText(parameter) : whole;
    }
    return named.get(key) ?? whole;
  });
}
