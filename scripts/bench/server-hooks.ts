// Preloaded into a server under test by the bench only, never in production:
//   node --expose-gc [--cpu-prof] --import tsx --import ./scripts/bench/server-hooks.ts ...
// It answers two requests over the IPC channel the bench opens:
// - `gc`: a full garbage collection, so the RSS read next counts live memory, not garbage;
// - `exit`: a normal exit, which makes `--cpu-prof` write its profile (a SIGTERM may not).

type Request = { type: 'gc' | 'exit' };

function isRequest(value: unknown): value is Request {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'gc' || type === 'exit';
}

if (process.send && process.channel) {
  // The channel must not keep the server alive on its own.
  process.channel.unref();
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    if (message.type === 'exit') process.exit(0);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    process.send?.({ type: 'gc', done: gc !== undefined });
  });
}
