/** `GET /admin/me`: who the caller is and which admin roles they hold (read as the caller). */
import { z } from 'zod';
import { ZAdminRole, ZUuid } from '../fields.ts';

export const ZAdminMeResponse = z.object({
  id: ZUuid,
  email: z.string().nullable(),
  roles: z.array(ZAdminRole),
});

export type TAdminMeResponse = z.infer<typeof ZAdminMeResponse>;
