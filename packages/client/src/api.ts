/**
 * Typed calls to the edge functions. A non-2xx answer becomes an ApiError carrying the
 * API's error code (see packages/contracts/src/errors.ts); a 2xx body is checked
 * against the operation's response contract before the app sees it.
 */
import { FunctionsFetchError, FunctionsHttpError, type FunctionsClient } from '@supabase/functions-js';
import type { z } from 'zod';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
    /** Seconds from the `Retry-After` header (too_many_attempts). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function callFunction<T extends z.ZodType>(
  supabase: { functions: Pick<FunctionsClient, 'invoke'> },
  path: string,
  response: T,
  options: { method?: Method; body?: unknown } = {},
): Promise<z.infer<T>> {
  const { data, error } = await supabase.functions.invoke(path, {
    method: options.method ?? 'GET',
    ...(options.body === undefined ? {} : { body: options.body as Record<string, unknown> }),
  });
  if (error) throw await toApiError(error);
  return response.parse(data);
}

async function toApiError(error: unknown): Promise<ApiError> {
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string; details?: unknown };
    } | null;
    const message = body?.error?.message ?? `The server answered ${res.status}`;
    const retryAfter = Number(res.headers.get('retry-after'));
    return new ApiError(
      body?.error?.code ?? (res.status === 401 ? 'unauthorized' : 'unknown'),
      message,
      res.status,
      body?.error?.details,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  if (error instanceof FunctionsFetchError) {
    return new ApiError('network', 'The server could not be reached. Check the connection and try again.', 0);
  }
  return new ApiError('unknown', error instanceof Error ? error.message : String(error), 0);
}
