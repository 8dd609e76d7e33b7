/**
 * The request body of `POST /{version}/{phone-number-id}/messages`, validated the way the
 * Cloud API does for the three message types the product sends: text, image, template.
 * `biz_opaque_callback_data` is kept (every status webhook of the message echoes it); other
 * unknown keys are tolerated, as the real API ignores them. A bad shape becomes one
 * Meta-style `details` sentence such as
 * "Param text['body'] must be at most 4096 characters long.".
 */
import { z } from 'zod';

const PHONE = /^\+?\d{8,15}$/;

const ZHttpUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), 'must be a valid http(s) URL');

const ZMediaId = z.string().min(1);
const EXACTLY_ONE = 'must have exactly one of link or id';
const oneSource = (media: { link?: string; id?: string }) => (media.link === undefined) !== (media.id === undefined);

/** `{ link }` or `{ id }`, never both. */
const ZImageMedia = z
  .looseObject({ link: ZHttpUrl.optional(), id: ZMediaId.optional(), caption: z.string().max(1024).optional() })
  .refine(oneSource, EXACTLY_ONE);
const ZParameterMedia = z
  .looseObject({ link: ZHttpUrl.optional(), id: ZMediaId.optional(), filename: z.string().optional() })
  .refine(oneSource, EXACTLY_ONE);

const ZParameter = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('text'), text: z.string().min(1), parameter_name: z.string().min(1).optional() }),
    z.looseObject({
      type: z.literal('currency'),
      currency: z.looseObject({
        fallback_value: z.string(),
        code: z.string().length(3),
        amount_1000: z.number().int(),
      }),
      parameter_name: z.string().min(1).optional(),
    }),
    z.looseObject({
      type: z.literal('date_time'),
      date_time: z.looseObject({ fallback_value: z.string() }),
      parameter_name: z.string().min(1).optional(),
    }),
    z.looseObject({ type: z.literal('image'), image: ZParameterMedia }),
    z.looseObject({ type: z.literal('document'), document: ZParameterMedia }),
    z.looseObject({ type: z.literal('video'), video: ZParameterMedia }),
    z.looseObject({ type: z.literal('payload'), payload: z.string().min(1) }),
  ],
  { error: 'must be one of: text, currency, date_time, image, document, video, payload' },
);

const ZComponent = z
  .looseObject({
    type: z.enum(['header', 'body', 'button']),
    sub_type: z.enum(['quick_reply', 'url', 'copy_code', 'flow']).optional(),
    index: z.union([z.number().int().min(0).max(9), z.string().regex(/^\d$/, 'must be a digit 0-9')]).optional(),
    parameters: z.array(ZParameter),
  })
  .superRefine((component, ctx) => {
    if (component.type !== 'button') return;
    if (component.sub_type === undefined) ctx.addIssue({ code: 'custom', path: ['sub_type'], message: 'is required' });
    if (component.index === undefined) ctx.addIssue({ code: 'custom', path: ['index'], message: 'is required' });
  });

const ZBase = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().regex(PHONE, 'must be a phone number of 8 to 15 digits with an optional leading +'),
  type: z.enum(['text', 'image', 'template']),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

const ZText = z.looseObject({
  text: z.looseObject({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
});
const ZImage = z.looseObject({ image: ZImageMedia });
const ZTemplate = z.looseObject({
  template: z.looseObject({
    name: z.string().min(1).max(512),
    language: z.looseObject({ code: z.string().min(1), policy: z.literal('deterministic').optional() }),
    components: z.array(ZComponent).optional(),
  }),
});

export type TemplateParameter = z.infer<typeof ZParameter>;
export type TemplateComponent = z.infer<typeof ZComponent>;
export type ImageMedia = z.infer<typeof ZImageMedia>;

interface Common {
  to: string;
  /** Opaque to WhatsApp: echoed in the message's status webhooks. */
  biz_opaque_callback_data?: string;
}
export type SendRequest =
  | (Common & { type: 'text'; text: z.infer<typeof ZText>['text'] })
  | (Common & { type: 'image'; image: ImageMedia })
  | (Common & { type: 'template'; template: z.infer<typeof ZTemplate>['template'] });

export type ParseResult = { ok: true; value: SendRequest } | { ok: false; details: string };

/** Validates a parsed JSON body; `details` names the first problem. */
export function parseSendRequest(body: unknown): ParseResult {
  const base = ZBase.safeParse(body, { error: issueText });
  if (!base.success) return { ok: false, details: describe(base.error) };
  const { to, type, biz_opaque_callback_data } = base.data;
  const common: Common = biz_opaque_callback_data === undefined ? { to } : { to, biz_opaque_callback_data };
  switch (type) {
    case 'text': {
      const parsed = ZText.safeParse(body, { error: issueText });
      return parsed.success ? { ok: true, value: { ...common, type, text: parsed.data.text } } : fail(parsed.error);
    }
    case 'image': {
      const parsed = ZImage.safeParse(body, { error: issueText });
      return parsed.success ? { ok: true, value: { ...common, type, image: parsed.data.image } } : fail(parsed.error);
    }
    case 'template': {
      const parsed = ZTemplate.safeParse(body, { error: issueText });
      return parsed.success
        ? { ok: true, value: { ...common, type, template: parsed.data.template } }
        : fail(parsed.error);
    }
  }
}

/** The WhatsApp id of a recipient: its digits. */
export function waIdOf(phone: string): string {
  return phone.replace(/\D/g, '');
}

function fail(error: z.ZodError): ParseResult {
  return { ok: false, details: describe(error) };
}

/** Wording for issues the schema does not word itself. */
function issueText(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined && issue.code !== 'custom') return 'is required';
  if (issue.code === 'invalid_type') return `must be of type ${issue.expected}`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`;
  }
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const bound = issue.code === 'too_big' ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
    return `must be ${bound}`;
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    return values.length === 1 ? `must be '${values[0]}'` : `must be one of: ${values.join(', ')}`;
  }
  return undefined;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid request body';
  const path = formatPath(issue.path);
  if (!path) return `Request body ${issue.message}.`;
  if (issue.message === 'is required') return `The parameter ${path} is required.`;
  return `Param ${path} ${issue.message}.`;
}

/** `template['components'][0]['parameters']`, as Graph spells parameter paths. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => {
      if (i === 0) return String(part);
      return typeof part === 'number' ? `[${part}]` : `['${String(part)}']`;
    })
    .join('');
}
