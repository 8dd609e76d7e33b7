/**
 * The status machines of vouchers, campaigns, campaign targets and insurance quotes.
 * The database enforces the same machines (app.state_transitions and a trigger on each
 * table); a test checks that both agree on every (from, to) pair. The apps use these to
 * offer only the actions that can succeed.
 */

export const VOUCHER_STATUSES = ['issued', 'sent', 'redeemed', 'expired', 'void'] as const;
export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'done'] as const;
export const CAMPAIGN_TARGET_STATUSES = [
  'queued',
  'queued_throttled',
  'sent',
  'delivered',
  'read',
  'failed',
  'opted_out',
] as const;
export const INSURANCE_QUOTE_STATUSES = ['pending', 'approved', 'needs_changes'] as const;

export type VoucherStatus = (typeof VOUCHER_STATUSES)[number];
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type CampaignTargetStatus = (typeof CAMPAIGN_TARGET_STATUSES)[number];
export type InsuranceQuoteStatus = (typeof INSURANCE_QUOTE_STATUSES)[number];

interface Machine<S extends string> {
  states: readonly S[];
  /** States a new record may start in. */
  initial: readonly S[];
  /** Every state's legal next states; a Record, so no state can be forgotten. */
  next: Record<S, readonly S[]>;
}

export const voucherMachine: Machine<VoucherStatus> = {
  states: VOUCHER_STATUSES,
  initial: ['issued'],
  next: {
    issued: ['sent', 'expired', 'void'],
    // `sent → expired` is an addition to the spec: a delivered voucher still expires.
    sent: ['redeemed', 'expired', 'void'],
    redeemed: [],
    expired: [],
    void: [],
  },
};

export const campaignMachine: Machine<CampaignStatus> = {
  states: CAMPAIGN_STATUSES,
  initial: ['draft'],
  next: {
    draft: ['running'],
    running: ['paused', 'done'],
    paused: ['running'],
    done: [],
  },
};

export const campaignTargetMachine: Machine<CampaignTargetStatus> = {
  states: CAMPAIGN_TARGET_STATUSES,
  initial: ['queued'],
  next: {
    // `queued → queued_throttled` is an addition: the spec's throttled state must be reachable.
    queued: ['sent', 'failed', 'opted_out', 'queued_throttled'],
    queued_throttled: ['queued'],
    // `sent → failed` is an addition: WhatsApp can report a failure after accepting a message.
    sent: ['delivered', 'read', 'failed'],
    // `delivered → read` is an addition: the read receipt follows the delivery receipt.
    delivered: ['read'],
    read: [],
    // `failed → queued` is an addition: the panel's "Retry failed" puts a target back in the queue.
    failed: ['queued'],
    opted_out: [],
  },
};

export const insuranceQuoteMachine: Machine<InsuranceQuoteStatus> = {
  states: INSURANCE_QUOTE_STATUSES,
  initial: ['pending'],
  next: {
    pending: ['approved', 'needs_changes'],
    needs_changes: ['pending'],
    approved: [],
  },
};

/** The machines by the names the database uses (app.state_machines.machine). */
export const MACHINES = {
  voucher: voucherMachine,
  campaign: campaignMachine,
  campaign_target: campaignTargetMachine,
  insurance_quote: insuranceQuoteMachine,
} as const;

export type MachineName = keyof typeof MACHINES;

/** True when a record of this machine may move from `from` to `to` (never to itself). */
export function canTransition<S extends string>(machine: Machine<S>, from: S, to: S): boolean {
  return machine.next[from].includes(to);
}

/** The states a record in `from` may move to, for offering only legal actions. */
export function nextStates<S extends string>(machine: Machine<S>, from: S): readonly S[] {
  return machine.next[from];
}

/** True when nothing can follow: the record's story is over. */
export function isFinal<S extends string>(machine: Machine<S>, state: S): boolean {
  return machine.next[state].length === 0;
}
