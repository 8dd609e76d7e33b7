/** Words the vouchers page shows for statuses, timeline events and WhatsApp delivery results. */
import type { TDelivery } from '@easymo/contracts';
import { canTransition, voucherMachine, type VoucherStatus } from '@easymo/domain';

export const STATUS_LABELS: Record<VoucherStatus, string> = {
  issued: 'Issued',
  sent: 'Sent',
  redeemed: 'Redeemed',
  expired: 'Expired',
  void: 'Void',
};

const EVENT_LABELS: Record<string, string> = {
  issued: 'Issued',
  sent: 'Card sent',
  redeemed: 'Redeemed',
  expired: 'Expired',
  void: 'Voided',
  policy_blocked: 'Blocked by a policy',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type.replace(/_/g, ' ');
}

/** A voucher that can still be voided (the state machine allows `→ void`). */
export function canBeVoided(status: VoucherStatus): boolean {
  return canTransition(voucherMachine, status, 'void');
}

/**
 * A voucher whose card is still worth (re)sending: not sent yet (`→ sent`), or sent
 * and still redeemable (`→ redeemed`). Redeemed, expired and void ones are over.
 */
export function canBeResent(status: VoucherStatus, expiresAt: string | null, now: number): boolean {
  const live = expiresAt === null || Date.parse(expiresAt) > now;
  return live && (canTransition(voucherMachine, status, 'sent') || canTransition(voucherMachine, status, 'redeemed'));
}

const REASONS: Record<NonNullable<TDelivery['reason']>, string> = {
  quiet_hours: 'it is quiet hours; it goes out when they end',
  throttled: 'the sending limit was reached; it goes out shortly',
  opted_out: 'this number opted out of messages',
  whatsapp_error: 'WhatsApp refused the message',
  unavailable: 'WhatsApp could not be reached; it will be retried',
  not_requested: 'sending was not asked for',
};

/** What happened to the card's WhatsApp message, as a clause: "the card was sent on WhatsApp". */
export function deliveryText(delivery: TDelivery): string {
  switch (delivery.status) {
    case 'sent':
      return 'the card was sent on WhatsApp';
    case 'skipped':
      return 'the card was not sent (as asked)';
    case 'blocked':
    case 'failed':
      return `the card was not sent: ${delivery.reason ? REASONS[delivery.reason] : delivery.status}`;
  }
}
