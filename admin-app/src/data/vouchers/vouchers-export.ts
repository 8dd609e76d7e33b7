import { callFunction } from '@easymo/client';
import type { TVoucherFilter } from '@easymo/contracts';
import { z } from 'zod';
import { supabase } from '../../lib/supabase.ts';
import { toSearch } from './search.ts';

/**
 * `GET /admin/vouchers/export.csv`: the whole filtered set as CSV text. functions-js
 * reads a `text/csv` answer as text (and errors, JSON, as ApiError), so the usual typed
 * call with a string contract serves; the session's token goes with it as with any call.
 */
export function fetchVouchersCsv(filter: TVoucherFilter): Promise<string> {
  return callFunction(supabase, `admin/vouchers/export.csv${toSearch(filter)}`, z.string());
}
