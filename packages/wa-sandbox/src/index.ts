/**
 * @easymo/wa-sandbox: a local stand-in for the WhatsApp Cloud API (graph.facebook.com)
 * for development and tests. See README.md.
 */
export { createSandbox, startSandbox } from './server.ts';
export type { RunningSandbox, Sandbox, SandboxOptions } from './server.ts';
export { SandboxState } from './state.ts';
export type {
  FailureRule,
  InboundMessage,
  MessageError,
  MessageStatus,
  RequestRecord,
  SandboxMessage,
  UserPreference,
  WebhookAttempt,
} from './state.ts';
export { DELIVERY_ERROR_CODES, ERROR_INFO } from './graph-errors.ts';
export type { DeliveryErrorCode, GraphErrorBody } from './graph-errors.ts';
export { signBody } from './webhooks.ts';
export type { DeliveryResult, PricingCategory, StatusEntry, UserPreferenceEntry, WebhookPayload } from './webhooks.ts';
