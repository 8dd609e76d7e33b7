/** Small field schemas that operation contracts are built from. */
import { z } from 'zod';
import { normalizeCode5 } from '../../domain/src/code5.ts';
import { normalizeMsisdn } from '../../domain/src/msisdn.ts';
import { ADMIN_ROLES } from '../../domain/src/roles.ts';
import { VOUCHER_STATUSES } from '../../domain/src/state-machines.ts';

/** Any well-formed UUID (version and variant are the database's business). */
export const ZUuid = z.guid();

export const ZAdminRole = z.enum(ADMIN_ROLES);

/** An instant, ISO 8601 with an offset ("2026-11-24T10:00:00Z"). */
export const ZTimestamp = z.iso.datetime({ offset: true });

/** A phone number in any common writing, normalised to E.164 (Rwanda by default). */
export const ZMsisdn = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const e164 = normalizeMsisdn(value);
    if (!e164) ctx.addIssue({ code: 'custom', message: 'not a phone number (E.164 expected, e.g. +250788123456)' });
    return e164 ?? '';
  });

/** A voucher code as typed (case, O/0, I/L/1, spaces and dashes forgiven), normalised. */
export const ZCode5 = z
  .string()
  .max(16)
  .transform((value, ctx) => {
    const code = normalizeCode5(value);
    if (!code)
      ctx.addIssue({ code: 'custom', message: 'a voucher code is 5 characters of 0-9 and A-Z without I, L, O, U' });
    return code ?? '';
  });

/** An amount of money: positive, at most 2 decimals, at most 10,000,000. */
export const ZAmount = z
  .number()
  .positive()
  .max(10_000_000)
  .refine((n) => Math.round(n * 100) === n * 100, 'at most 2 decimals');

export const ZCurrency = z.string().regex(/^[A-Z]{3}$/, 'a 3-letter currency code');

export const ZVoucherStatus = z.enum(VOUCHER_STATUSES);

/** A client-made key that makes a retried request harmless. */
export const ZIdempotencyKey = z.guid();
