/**
 * Programme settings (`settings` table) as the admin panel reads and writes them. Every
 * write is validated here, in the function, before it reaches the database; the panel
 * runs the same schema so the form shows the same errors before saving.
 *
 *   GET /admin/settings              every editable setting, when and by whom it last changed
 *   PUT /admin/settings/:key         replace one setting's value (super_admin)
 *   POST /admin/opt-outs             add a number to the opt-out list (stored as its sha256)
 *   POST /admin/opt-outs/remove      take a number off the list
 *   POST /admin/opt-outs/check       is this number opted out?
 */
import { z } from 'zod';
import { COUNTRIES } from '../../../domain/src/msisdn.ts';
import { isValidWindow, parseTime } from '../../../domain/src/quiet-hours.ts';
import { templateVariables } from '../../../domain/src/templates.ts';
import { ZMsisdn, ZTimestamp, ZUuid } from '../fields.ts';
import { KEYWORD } from '../whatsapp/webhook.ts';

const COUNTRY_KEYS = Object.keys(COUNTRIES).map((code) => code.toLowerCase());

export const ZHhMm = z.string().refine((value) => parseTime(value) !== undefined, 'a time as HH:MM, 00:00 to 23:59');

/** One quiet window in the recipient's local time; it may cross midnight (22:00 → 06:00). */
export const ZQuietWindow = z
  .object({ start: ZHhMm, end: ZHhMm })
  .strict()
  .refine((w) => !isValidWindow(w) || w.start !== w.end, {
    message: 'start and end must differ (remove the country to have no quiet hours)',
    path: ['end'],
  });

/** `quiet_hours`: windows by lower-case country code ("rw", "mt"). */
export const ZQuietHoursSetting = z.record(
  z.string().refine((key) => COUNTRY_KEYS.includes(key), `a country code: one of ${COUNTRY_KEYS.join(', ')}`),
  ZQuietWindow,
);
export type TQuietHoursSetting = z.infer<typeof ZQuietHoursSetting>;

/** `send_throttle`: messages per minute per channel, across every campaign and voucher send. 0 pauses the channel; 60,000 (1,000 a second) is the Cloud API's highest throughput. */
export const ZSendThrottleSetting = z
  .object({ whatsapp: z.object({ per_minute: z.number().int().min(0).max(60_000) }).strict() })
  .strict();
export type TSendThrottleSetting = z.infer<typeof ZSendThrottleSetting>;

export const ZMessageTemplate = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _, starting with a letter'),
    name: z.string().trim().min(1).max(80),
    language: z.string().regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en, fr, rw'),
    category: z.enum(['utility', 'marketing', 'authentication']),
    body: z.string().trim().min(1).max(1024),
    variables: z.array(z.string()),
  })
  .strict()
  .superRefine((template, ctx) => {
    const used = templateVariables(template.body);
    const declared = new Set(template.variables);
    const undeclared = used.filter((v) => !declared.has(v));
    const unused = template.variables.filter((v) => !used.includes(v));
    if (undeclared.length > 0 || unused.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['variables'],
        message: `variables must be exactly those in the body (${used.join(', ') || 'none'})`,
      });
    }
  });
export type TMessageTemplate = z.infer<typeof ZMessageTemplate>;

export const ZTemplatesSetting = z
  .array(ZMessageTemplate)
  .max(100)
  .superRefine((templates, ctx) => {
    const seen = new Set<string>();
    templates.forEach((t, index) => {
      if (seen.has(t.id))
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `the id ${t.id} is used twice` });
      seen.add(t.id);
    });
  });
export type TTemplatesSetting = z.infer<typeof ZTemplatesSetting>;

export const ZRevolutLinkSetting = z
  .object({
    url: z
      .string()
      .trim()
      .regex(/^https:\/\/revolut\.me\/[A-Za-z0-9._-]{1,64}\/?$/, 'a https://revolut.me/<name> link'),
  })
  .strict();
export type TRevolutLinkSetting = z.infer<typeof ZRevolutLinkSetting>;

const ZKeyword = z
  .string()
  .trim()
  .transform((word) => word.toUpperCase())
  .pipe(z.string().regex(KEYWORD, '2 to 20 letters or digits, one word'));

/**
 * `opt_out_keywords`: an inbound WhatsApp message that is exactly one of these words (any
 * case, surrounding spaces and punctuation ignored) opts its sender out, or back in.
 */
export const ZOptOutKeywordsSetting = z
  .object({ stop: z.array(ZKeyword).min(1).max(30), resume: z.array(ZKeyword).max(30) })
  .strict()
  .superRefine((value, ctx) => {
    const both = value.stop.filter((word) => value.resume.includes(word));
    if (both.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['resume'],
        message: `a word cannot both stop and resume: ${both.join(', ')}`,
      });
  });
export type TOptOutKeywordsSetting = z.infer<typeof ZOptOutKeywordsSetting>;

/** The settings the panel edits, each with its schema. (`opt_out_list` has its own routes.) */
export const EDITABLE_SETTINGS = {
  quiet_hours: ZQuietHoursSetting,
  send_throttle: ZSendThrottleSetting,
  templates: ZTemplatesSetting,
  revolut_link: ZRevolutLinkSetting,
  opt_out_keywords: ZOptOutKeywordsSetting,
} as const;
export type EditableSettingKey = keyof typeof EDITABLE_SETTINGS;
export const ZEditableSettingKey = z.enum(
  Object.keys(EDITABLE_SETTINGS) as [EditableSettingKey, ...EditableSettingKey[]],
);

/** `PUT /admin/settings/:key` body: `{ "value": … }`, checked against that key's schema. */
export function ZPutSettingRequest<K extends EditableSettingKey>(key: K) {
  return z.object({ value: EDITABLE_SETTINGS[key] }).strict();
}

export const ZSettingChange = z.object({
  updated_at: ZTimestamp,
  updated_by: ZUuid.nullable(),
  updated_by_email: z.string().nullable(),
});

export const ZSettingsResponse = z.object({
  quiet_hours: ZQuietHoursSetting,
  send_throttle: ZSendThrottleSetting,
  templates: ZTemplatesSetting,
  revolut_link: ZRevolutLinkSetting,
  opt_out_keywords: ZOptOutKeywordsSetting,
  /** How many numbers are opted out (the list holds hashes, so numbers cannot be shown). */
  opt_out_count: z.number().int(),
  changes: z.record(z.string(), ZSettingChange),
});
export type TSettingsResponse = z.infer<typeof ZSettingsResponse>;

export const ZPutSettingResponse = z.object({ key: ZEditableSettingKey, value: z.unknown(), change: ZSettingChange });
export type TPutSettingResponse = z.infer<typeof ZPutSettingResponse>;

export const ZOptOutRequest = z.object({ msisdn: ZMsisdn }).strict();
export type TOptOutRequest = z.input<typeof ZOptOutRequest>;

/** The answer to add, remove and check: the number as understood, whether it is now opted out, whether anything changed. */
export const ZOptOutResponse = z.object({
  msisdn: z.string(),
  opted_out: z.boolean(),
  changed: z.boolean(),
  opt_out_count: z.number().int(),
});
export type TOptOutResponse = z.infer<typeof ZOptOutResponse>;
