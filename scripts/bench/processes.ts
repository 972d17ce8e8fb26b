// Servers under test run as child processes, as in production: the load client's CPU and memory
// stay out of their figures, and their memory is read from /proc. Their output goes to a log file
// (not through this process) so relaying logs costs the bench nothing.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { ServerMemory, ServerStats } from './server-hooks.ts';

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  /** When the process was spawned, on performance.now()'s scale. */
  readonly spawnedAt: number;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<string>;
  /** A full GC in the child (needs server-hooks.ts and --expose-gc); false when it could not. */
  collectGarbage(): Promise<boolean>;
  /** The child's event-loop delay and GC pauses since the last call, and its memory (null without the hooks). */
  takeStats(): Promise<ServerStats | null>;
  /** The child's process.memoryUsage() now (null without the hooks). */
  memory(): Promise<ServerMemory | null>;
  /** Has the child write a heap snapshot to `file` (it stalls for seconds); resolves with the file written. */
  writeHeapSnapshot(file: string): Promise<string>;
  /** Asks the child to exit normally (so --cpu-prof writes its profile); stops it otherwise. */
  exitNormally(timeoutMs?: number): Promise<string>;
}

/** Node flags that load the bench's hooks into a server under test. */
export const HOOK_ARGS = ['--expose-gc', '--import', 'tsx', '--import', './scripts/bench/server-hooks.ts'];

export interface SpawnOptions {
  /** Arguments to `node`, e.g. [...HOOK_ARGS, 'src/cli/main.ts', 'serve']. */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  port: number;
  cwd?: string;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function spawnServer(options: SpawnOptions): ServerProcess {
  const log = openSync(options.logFile, 'a');
  const spawnedAt = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, options.nodeArgs, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...options.env, PORT: String(options.port) },
      stdio: ['ignore', log, log, 'ipc'],
    });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`could not spawn node ${options.nodeArgs.join(' ')}`);
  let requests = 0;
  /** One request to server-hooks.ts over IPC; null when there is no answer within `timeoutMs`. */
  const request = async (type: 'gc' | 'stats' | 'memory' | 'heap', fields: Record<string, string> = {}, timeoutMs = 5000): Promise<unknown> => {
    if (!child.connected) return null;
    const id = ++requests;
    let onMessage: (message: unknown) => void = () => undefined;
    const reply = new Promise<unknown>((resolve) => {
      onMessage = (message: unknown) => {
        const answer = message as { type?: unknown; id?: unknown } | null;
        if (answer?.type !== type || answer.id !== id) return;
        resolve(message);
      };
      child.on('message', onMessage);
    });
    child.send({ type, id, ...fields });
    // Given up on after timeoutMs; the timer goes with the answer, so a long one does not hold the bench up.
    const giveUp = new AbortController();
    try {
      return await Promise.race([reply, sleep(timeoutMs, null, { signal: giveUp.signal }).catch(() => null)]);
    } finally {
      giveUp.abort();
      child.off('message', onMessage);
    }
  };
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
    child.on('error', (error) => resolve(`child process error: ${error.message}`));
  });
  return {
    pid: child.pid,
    port: options.port,
    url: `ws://127.0.0.1:${options.port}/ws`,
    logFile: options.logFile,
    spawnedAt,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const outcome = await Promise.race([exited, sleep(graceMs).then(() => null)]);
      if (outcome !== null) return outcome;
      child.kill('SIGKILL');
      return exited;
    },
    async collectGarbage() {
      const reply = await request('gc');
      return (reply as { done?: unknown } | null)?.done === true;
    },
    async takeStats() {
      const reply = await request('stats');
      return ((reply as { stats?: ServerStats } | null)?.stats ?? null) as ServerStats | null;
    },
    async memory() {
      const reply = await request('memory');
      return ((reply as { memory?: ServerMemory } | null)?.memory ?? null) as ServerMemory | null;
    },
    async writeHeapSnapshot(file) {
      // A snapshot of a few hundred MB of heap takes tens of seconds on a busy machine.
      const reply = (await request('heap', { path: file }, 300_000)) as { path?: unknown; error?: unknown } | null;
      if (typeof reply?.path === 'string') return reply.path;
      throw new Error(typeof reply?.error === 'string' ? reply.error : `server ${options.port}: no heap snapshot within 300 s (are the bench hooks loaded?)`);
    },
    async exitNormally(timeoutMs = 10_000) {
      if (child.connected) child.send({ type: 'exit' });
      const outcome = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
      return outcome ?? this.stop();
    },
  };
}

/** Resident memory after a full GC and a moment for the heap to shrink, in bytes. */
export async function settledResidentBytes(server: ServerProcess, settleMs = 500): Promise<number> {
  await server.collectGarbage();
  await sleep(settleMs);
  return residentBytes(server.pid);
}

/** Resident memory of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU time (user + system) a process has used, in milliseconds, from /proc/<pid>/stat. Unlike
 * wall-clock throughput it hardly changes when other work shares the cores.
 */
export function cpuMillis(pid: number): number {
  const { userMs, systemMs } = cpuSplitMillis(pid);
  return userMs + systemMs;
}

/** CPU time the process has used in its own code (user) and in the kernel on its behalf (system), ms. */
export function cpuSplitMillis(pid: number): { userMs: number; systemMs: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`/proc/${pid}/stat: cannot read utime and stime`);
  return { userMs: (utime * 1000) / CLOCK_TICKS, systemMs: (stime * 1000) / CLOCK_TICKS };
}

/** Tries a websocket upgrade on /ws until one succeeds: the server accepts shoppers. */
export async function waitUntilAccepting(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError = 'not tried';
  while (performance.now() < deadline) {
    const outcome = await Promise.race([server.exited.then((code) => `exited (${code})`), tryUpgrade(server.url)]);
    if (outcome === null) return;
    if (outcome.startsWith('exited')) throw new ServerStartError(server, outcome);
    lastError = outcome;
    await sleep(25);
  }
  throw new ServerStartError(server, `no websocket upgrade within ${timeoutMs} ms (last: ${lastError})`);
}

/** null when the upgrade worked, else why not. */
function tryUpgrade(url: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 2000 });
    socket.once('open', () => {
      socket.terminate();
      resolve(null);
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

export class ServerStartError extends Error {
  constructor(server: ServerProcess, why: string) {
    let tail = '';
    try {
      tail = readFileSync(server.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      tail = '(no log)';
    }
    super(`server on port ${server.port} did not start: ${why}\n--- last lines of ${server.logFile} ---\n${tail}`);
    this.name = 'ServerStartError';
  }
}
