/**
 * Graph API error bodies as the Cloud API answers them:
 * `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`.
 * Titles follow Meta's error-code reference; `details` wording is our own.
 */
import { randomBytes } from 'node:crypto';

/** The delivery errors the failure knobs can inject. */
export const DELIVERY_ERROR_CODES = [131026, 131056, 130429, 131049, 131047] as const;
export type DeliveryErrorCode = (typeof DELIVERY_ERROR_CODES)[number];

/** Every code the sandbox itself can report in a response or a `failed` status. */
export type SandboxErrorCode = DeliveryErrorCode | 131053;

interface ErrorInfo {
  title: string;
  details: string;
}

export const ERROR_INFO: Record<SandboxErrorCode, ErrorInfo> = {
  131026: {
    title: 'Message undeliverable',
    details:
      'Unable to deliver the message: the number may not be on WhatsApp, may not have accepted the latest terms, or may run an old app version.',
  },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details: 'Too many messages were sent from this phone number to the same recipient in a short period of time.',
  },
  130429: {
    title: 'Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'The message was not delivered, to maintain healthy ecosystem engagement.',
  },
  131047: {
    title: 'Re-engagement message',
    details:
      'More than 24 hours have passed since the recipient last replied to this number; only a template message can be sent.',
  },
  131053: {
    title: 'Media upload error',
    details: 'Unable to download the media.',
  },
};

/** Link to the error-code reference, as carried in webhook `errors[].href`. */
export const ERROR_CODES_HREF = '/docs/whatsapp/cloud-api/support/error-codes/';

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

/** A Graph error answer: an HTTP status and its JSON body. */
export class GraphError extends Error {
  readonly body: GraphErrorBody;

  constructor(
    readonly status: number,
    body: Omit<GraphErrorBody['error'], 'fbtrace_id'>,
  ) {
    super(body.message);
    this.body = { error: { ...body, fbtrace_id: fbtraceId() } };
  }

  get code(): number {
    return this.body.error.code;
  }

  toResponse(): Response {
    return Response.json(this.body, { status: this.status });
  }
}

/** Graph trace ids are short opaque base64-ish strings. */
export function fbtraceId(): string {
  return randomBytes(9).toString('base64').replace(/[+/=]/g, 'A');
}

export const invalidAccessToken = () =>
  new GraphError(401, {
    message: 'Invalid OAuth access token - Cannot parse access token',
    type: 'OAuthException',
    code: 190,
  });

export const unknownPath = (path: string) =>
  new GraphError(400, { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 100 });

export const unsupportedPost = (id: string) =>
  new GraphError(400, {
    message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });

export const invalidParameter = (details: string) =>
  new GraphError(400, {
    message: '(#100) Invalid parameter',
    type: 'OAuthException',
    code: 100,
    error_data: { messaging_product: 'whatsapp', details },
  });

/** A delivery error answered synchronously (Meta's table lists HTTP 400 for all of these). */
export const deliveryError = (code: SandboxErrorCode, details?: string) =>
  new GraphError(400, {
    message: `(#${code}) ${ERROR_INFO[code].title}`,
    type: 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details: details ?? ERROR_INFO[code].details },
  });

/** The `errors[]` entry of a `failed` status webhook. */
export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

export function webhookError(code: SandboxErrorCode, details?: string): WebhookError {
  const { title } = ERROR_INFO[code];
  return {
    code,
    title,
    message: title,
    error_data: { details: details ?? ERROR_INFO[code].details },
    href: ERROR_CODES_HREF,
  };
}
