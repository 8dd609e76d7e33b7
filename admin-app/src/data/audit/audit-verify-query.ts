import { callFunction } from '@easymo/client';
import { ZAuditVerifyResponse, type TAuditVerifyResponse } from '@easymo/contracts';
import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../lib/supabase.ts';
import { auditKeys } from './keys.ts';

/** `GET /admin/audit/verify`: the hash chain checked end to end, and its head. */
export function fetchAuditVerify(): Promise<TAuditVerifyResponse> {
  return callFunction(supabase, 'admin/audit/verify', ZAuditVerifyResponse);
}

export function useAuditVerifyQuery() {
  // Walking the whole chain costs a scan: check when the page opens and on request only.
  return useQuery({
    queryKey: auditKeys.verify(),
    queryFn: fetchAuditVerify,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}
