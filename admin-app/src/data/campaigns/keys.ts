/**
 * Query keys for campaigns. Every mutation invalidates through these, so an action
 * shows at once in the campaign, its estimate, its targets and the list.
 */
import type { TListCampaignsQuery, TListTargetsQuery } from '@easymo/contracts';

export const campaignKeys = {
  all: ['campaigns'] as const,
  lists: () => [...campaignKeys.all, 'list'] as const,
  list: (query: TListCampaignsQuery) => [...campaignKeys.lists(), query] as const,
  details: () => [...campaignKeys.all, 'detail'] as const,
  detail: (id: string) => [...campaignKeys.details(), id] as const,
  estimate: (id: string) => [...campaignKeys.all, 'estimate', id] as const,
  targets: (id: string) => [...campaignKeys.all, 'targets', id] as const,
  targetList: (id: string, query: Omit<TListTargetsQuery, 'cursor'>) => [...campaignKeys.targets(id), query] as const,
};

/** `admin/campaigns/<id>` with the id encoded, and an optional sub-path. */
export function campaignPath(id: string, rest = ''): string {
  return `admin/campaigns/${encodeURIComponent(id)}${rest ? `/${rest}` : ''}`;
}
