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

type Handler = Deno.ServeHandler;
const realServe = Deno.serve.bind(Deno);
let served = false;

function pickHandler(args: unknown[]): Handler | undefined {
  for (const arg of args) {
    if (typeof arg === 'function') return arg as Handler;
    if (arg && typeof arg === 'object' && typeof (arg as { handler?: unknown }).handler === 'function') {
      return (arg as { handler: Handler }).handler;
    }
  }
  return undefined;
}

(Deno as { serve: unknown }).serve = (...args: unknown[]) => {
  const handler = pickHandler(args);
  if (!handler) throw new TypeError('Deno.serve needs a handler');
  if (served) throw new Error('a function may call Deno.serve only once');
  served = true;
  return realServe(
    { hostname: '127.0.0.1', port, onListen: () => console.log(`function listening on 127.0.0.1:${port}`) },
    handler,
  );
};

await import(entry);
if (!served) {
  console.error(`${entry} did not call Deno.serve`);
  Deno.exit(1);
}

// If the stack dies without stopping us (SIGKILL, crash), exit instead of lingering as
// an orphan that holds the port: poll our parent pid (Linux /proc; elsewhere no-op).
const parentPid = Deno.env.get('STACK_PARENT_PID');
function currentParentPid(): string | undefined {
  try {
    const stat = Deno.readTextFileSync('/proc/self/stat');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  } catch {
    return undefined;
  }
}
if (parentPid) {
  const timer = setInterval(() => {
    const current = currentParentPid();
    if (current !== undefined && current !== parentPid) Deno.exit(0);
  }, 1000);
  Deno.unrefTimer(timer);
}
