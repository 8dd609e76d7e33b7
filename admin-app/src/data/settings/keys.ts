/** Query keys for programme settings (one read: every editable setting and the opt-out count). */
export const settingsKeys = {
  all: ['settings'] as const,
  detail: () => [...settingsKeys.all, 'detail'] as const,
};
