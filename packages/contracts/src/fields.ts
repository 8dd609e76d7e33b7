/** Small field schemas that operation contracts are built from. */
import { z } from 'zod';
import { ADMIN_ROLES } from '../../domain/src/roles.ts';

export const ZUuid = z.uuid();

export const ZAdminRole = z.enum(ADMIN_ROLES);
