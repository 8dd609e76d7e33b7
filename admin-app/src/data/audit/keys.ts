import type { TAuditQuery } from '@easymo/contracts';

/** Query keys for the audit log: pages by filter, and the chain check. */
export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filters: Omit<TAuditQuery, 'cursor'>) => [...auditKeys.lists(), filters] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};
