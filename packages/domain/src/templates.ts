/**
 * Message templates (settings.templates): a body with named `{{variable}}` slots, the
 * way WhatsApp Cloud API templates take named parameters. The admin panel previews a
 * body with sample values; campaigns check imported rows against the variables.
 */

export interface MessageTemplate {
  id: string;
  name: string;
  language: string;
  category: 'utility' | 'marketing' | 'authentication';
  body: string;
  variables: string[];
}

const SLOT = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** The variables a body uses, in first-use order, each once. */
export function templateVariables(body: string): string[] {
  const seen = new Set<string>();
  for (const match of body.matchAll(SLOT)) seen.add(match[1] as string);
  return [...seen];
}

/** The body with every slot filled; a slot without a value stays visible as `{{name}}`. */
export function renderTemplate(body: string, values: Readonly<Record<string, string>>): string {
  return body.replace(SLOT, (whole, name: string) => values[name] ?? whole);
}

/** Sample values the panel previews templates with (a Rwandan driver, an RWF voucher). */
export const SAMPLE_TEMPLATE_VALUES: Readonly<Record<string, string>> = {
  name: 'Jean',
  code: '7K3QZ',
  amount: '5,000',
  expiry: '31 Dec 2026',
  station: 'Kacyiru',
  discount: '10%',
};
