import { describe, expect, it } from 'vitest';
import {
  campaignMachine,
  campaignTargetMachine,
  canTransition,
  insuranceQuoteMachine,
  isFinal,
  MACHINES,
  nextStates,
  voucherMachine,
} from './state-machines.ts';

describe('voucher machine', () => {
  it('follows the spec: issued → sent → redeemed; issued → expired; issued|sent → void; plus sent → expired', () => {
    expect(canTransition(voucherMachine, 'issued', 'sent')).toBe(true);
    expect(canTransition(voucherMachine, 'sent', 'redeemed')).toBe(true);
    expect(canTransition(voucherMachine, 'issued', 'expired')).toBe(true);
    expect(canTransition(voucherMachine, 'sent', 'expired')).toBe(true);
    expect(canTransition(voucherMachine, 'issued', 'void')).toBe(true);
    expect(canTransition(voucherMachine, 'sent', 'void')).toBe(true);
  });

  it('never redeems a voucher that was not delivered, and never revives one', () => {
    expect(canTransition(voucherMachine, 'issued', 'redeemed')).toBe(false);
    for (const done of ['redeemed', 'expired', 'void'] as const) {
      expect(isFinal(voucherMachine, done)).toBe(true);
      for (const to of voucherMachine.states) expect(canTransition(voucherMachine, done, to)).toBe(false);
    }
  });
});

describe('campaign machine', () => {
  it('runs draft → running → paused → running → done and nothing else', () => {
    const steps = [
      ['draft', 'running'],
      ['running', 'paused'],
      ['paused', 'running'],
      ['running', 'done'],
    ] as const;
    for (const [from, to] of steps) expect(canTransition(campaignMachine, from, to)).toBe(true);
    expect(canTransition(campaignMachine, 'paused', 'done')).toBe(false);
    expect(canTransition(campaignMachine, 'draft', 'done')).toBe(false);
    expect(nextStates(campaignMachine, 'done')).toEqual([]);
  });
});

describe('campaign target machine', () => {
  it('moves forward only: a read message never goes back to sent', () => {
    expect(nextStates(campaignTargetMachine, 'queued')).toEqual(['sent', 'failed', 'opted_out', 'queued_throttled']);
    expect(canTransition(campaignTargetMachine, 'queued_throttled', 'queued')).toBe(true);
    expect(canTransition(campaignTargetMachine, 'delivered', 'read')).toBe(true);
    expect(canTransition(campaignTargetMachine, 'read', 'delivered')).toBe(false);
    expect(canTransition(campaignTargetMachine, 'delivered', 'sent')).toBe(false);
    expect(canTransition(campaignTargetMachine, 'opted_out', 'queued')).toBe(false);
  });
});

describe('insurance quote machine', () => {
  it('approves once, or loops through needs_changes back to pending', () => {
    expect(canTransition(insuranceQuoteMachine, 'pending', 'approved')).toBe(true);
    expect(canTransition(insuranceQuoteMachine, 'pending', 'needs_changes')).toBe(true);
    expect(canTransition(insuranceQuoteMachine, 'needs_changes', 'pending')).toBe(true);
    expect(canTransition(insuranceQuoteMachine, 'needs_changes', 'approved')).toBe(false);
    expect(isFinal(insuranceQuoteMachine, 'approved')).toBe(true);
  });
});

describe('every machine', () => {
  it('starts in a known state, lists every state once, and never moves a state to itself', () => {
    for (const machine of Object.values(MACHINES) as {
      states: readonly string[];
      initial: readonly string[];
      next: Record<string, readonly string[]>;
    }[]) {
      expect(new Set(machine.states).size).toBe(machine.states.length);
      expect(Object.keys(machine.next).sort()).toEqual([...machine.states].sort());
      for (const state of machine.initial) expect(machine.states).toContain(state);
      for (const [from, targets] of Object.entries(machine.next)) {
        expect(targets).not.toContain(from);
        for (const to of targets) expect(machine.states).toContain(to);
      }
    }
  });
});
