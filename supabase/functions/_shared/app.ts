/**
 * A function's Hono app: routes live under `/<function name>` (the path Supabase hands
 * to a function), CORS is answered, unknown routes are a 404 in the API's error shape.
 */
import { Hono } from 'hono';
import { corsMiddleware } from './cors.ts';
import { errorBody, handleError } from './errors.ts';

export function createFunctionApp(name: string): Hono {
  const app = new Hono().basePath(`/${name}`);
  app.use('*', corsMiddleware);
  app.onError(handleError);
  app.notFound((c) => c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}`), 404));
  return app;
}
