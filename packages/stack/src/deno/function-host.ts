/**
 * Runs one edge function under real Deno the way Supabase's edge runtime does: the
 * function's index.ts calls `Deno.serve(handler)` without choosing a port; we capture
 * that call and listen on the loopback port the gateway assigned. The function's own
 * code is imported unchanged from its folder.
 */
const port = Number(Deno.env.get('STACK_FUNCTION_PORT'));
const entry = Deno.env.get('STACK_FUNCTION_ENTRY');
if (!port || !entry) {
  console.error('STACK_FUNCTION_PORT and STACK_FUNCTION_ENTRY are required');
  Deno.exit(2);
}

// Our stdin is a pipe from the stack that started us; it ends when that process is gone,
// however it died (even SIGKILL). Then we go too, instead of holding the port as an orphan.
(async () => {
  for await (const _chunk of Deno.stdin.readable) {
    // the stack never writes; we only wait for the end
  }
  Deno.exit(0);
})();

type Handler = Deno.ServeHandler;
type Options = Record<string, unknown>;
const realServe = Deno.serve.bind(Deno) as (options: Options, handler: Handler) => Deno.HttpServer;
let served = false;

/** Deno.serve(handler) | Deno.serve(options, handler) | Deno.serve({ ...options, handler }). */
function split(args: unknown[]): { options: Options; handler: Handler | undefined } {
  const [first, second] = args;
  if (typeof first === 'function') return { options: {}, handler: first as Handler };
  const options = (first && typeof first === 'object' ? { ...(first as Options) } : {}) as Options;
  const handler = typeof second === 'function' ? (second as Handler) : (options.handler as Handler | undefined);
  delete options.handler;
  return { options, handler };
}

(Deno as { serve: unknown }).serve = (...args: unknown[]) => {
  const { options, handler } = split(args);
  if (!handler) throw new TypeError('Deno.serve needs a handler');
  if (served) throw new Error('a function may call Deno.serve only once');
  served = true;
  // The function's own options (onError, signal…) apply; the address is ours to choose.
  return realServe(
    { ...options, hostname: '127.0.0.1', port, onListen: () => console.log(`function listening on 127.0.0.1:${port}`) },
    handler,
  );
};

await import(entry);
if (!served) {
  console.error(`${entry} did not call Deno.serve`);
  Deno.exit(1);
}
