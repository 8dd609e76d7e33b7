/**
 * Stations and their operators.
 *
 *   GET    /admin/stations                        list with activity (any admin); ?q= name or code, ?status=
 *   POST   /admin/stations                        create (super_admin, data_ops)
 *   GET    /admin/stations/:id                    one station with its operators
 *   PATCH  /admin/stations/:id                    edit any field (super_admin, data_ops)
 *   POST   /admin/stations/:id/operators          assign an operator by email (super_admin, data_ops)
 *   DELETE /admin/stations/:id/operators/:userId  remove an operator (the assignment stays, inactive)
 */
import { z } from 'zod';
import { ZMsisdn, ZTimestamp, ZUuid } from '../fields.ts';

export const ZStationStatus = z.enum(['active', 'inactive']);

/** Latitude/longitude in degrees (WGS 84); stored as geography(Point, 4326). */
export const ZLocation = z
  .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
  .strict();
export type TLocation = z.infer<typeof ZLocation>;

export const ZEngencode = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9-]{2,32}$/, '2 to 32 letters, digits or dashes'));

export const ZStation = z.object({
  id: ZUuid,
  name: z.string(),
  engencode: z.string(),
  owner_contact: z.string().nullable(),
  location: ZLocation.nullable(),
  status: ZStationStatus,
  created_at: ZTimestamp,
  updated_at: ZTimestamp,
  redeemed_24h: z.number().int(),
  redeemed_7d: z.number().int(),
  redeemed_amount_7d: z.number(),
  last_redeemed_at: ZTimestamp.nullable(),
  active_operators: z.number().int(),
});
export type TStation = z.infer<typeof ZStation>;

export const ZListStationsQuery = z
  .object({ q: z.string().trim().min(1).max(64).optional(), status: ZStationStatus.optional() })
  .strict();
export type TListStationsQuery = z.input<typeof ZListStationsQuery>;

export const ZListStationsResponse = z.object({ items: z.array(ZStation) });
export type TListStationsResponse = z.infer<typeof ZListStationsResponse>;

export const ZCreateStationRequest = z
  .object({
    name: z.string().trim().min(1).max(120),
    engencode: ZEngencode,
    owner_contact: ZMsisdn.nullable().optional(),
    location: ZLocation.nullable().optional(),
    status: ZStationStatus.default('active'),
  })
  .strict();
export type TCreateStationRequest = z.input<typeof ZCreateStationRequest>;

export const ZUpdateStationRequest = z
  .object({
    name: z.string().trim().min(1).max(120),
    engencode: ZEngencode,
    owner_contact: ZMsisdn.nullable(),
    location: ZLocation.nullable(),
    status: ZStationStatus,
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type TUpdateStationRequest = z.input<typeof ZUpdateStationRequest>;

export const ZStationOperator = z.object({
  user_id: ZUuid,
  email: z.string().nullable(),
  full_name: z.string().nullable(),
  active: z.boolean(),
  created_at: ZTimestamp,
});
export type TStationOperator = z.infer<typeof ZStationOperator>;

export const ZStationDetail = z.object({ station: ZStation, operators: z.array(ZStationOperator) });
export type TStationDetail = z.infer<typeof ZStationDetail>;

/**
 * Assign by the account's email. An operator works at one station at a time: when they
 * are active elsewhere the answer is 409 `conflict` (details: the other station) unless
 * `move` is true, which ends the other assignment in the same transaction.
 */
export const ZAssignOperatorRequest = z
  .object({ email: z.string().trim().toLowerCase().pipe(z.email()), move: z.boolean().default(false) })
  .strict();
export type TAssignOperatorRequest = z.input<typeof ZAssignOperatorRequest>;
