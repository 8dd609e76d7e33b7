/** Identifiers shaped like the real ones. */
import { randomBytes, randomInt } from 'node:crypto';

/** `wamid.` followed by 40 base64 characters (real ids are base64 of an opaque blob). */
export function newWamid(): string {
  return `wamid.${randomBytes(30).toString('base64')}`;
}

/** Media ids are 15–16 digit numbers, like Graph object ids. */
export function newMediaId(): string {
  return `${randomInt(100_000_000, 1_000_000_000)}${randomInt(1_000_000, 10_000_000)}`;
}

/** Conversation ids in status webhooks are 32 hex characters. */
export function newConversationId(): string {
  return randomBytes(16).toString('hex');
}

/** Unix seconds as a string, as every webhook timestamp is. */
export function unixSeconds(date: Date = new Date()): string {
  return String(Math.floor(date.getTime() / 1000));
}
