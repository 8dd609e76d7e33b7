import type { TListStationsQuery } from '@easymo/contracts';

/** Query keys for stations: lists by filter, one station with its operators. */
export const stationKeys = {
  all: ['stations'] as const,
  lists: () => [...stationKeys.all, 'list'] as const,
  list: (query: TListStationsQuery) => [...stationKeys.lists(), query] as const,
  details: () => [...stationKeys.all, 'detail'] as const,
  detail: (id: string) => [...stationKeys.details(), id] as const,
};
