// Cold start: from spawning the server process to the first answer to a shopper's first message.
// The shopper knocks every few milliseconds until the websocket opens, says hello, sends one
// message and waits for the first frame that answers it.

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { ServerStartError, type ServerProcess } from './processes.ts';

export interface ColdStart {
  /** Spawn to the websocket upgrade being accepted. */
  acceptingMs: number;
  /** Spawn to the first frame answering the first message. */
  firstReplyMs: number;
}

const RETRY_MS = 5;

export async function measureColdStart(server: ServerProcess, hello: Record<string, string>, text: string, timeoutMs = 60_000): Promise<ColdStart> {
  const deadline = server.spawnedAt + timeoutMs;
  let lastError = 'not tried';
  while (performance.now() < deadline) {
    const attempt = await Promise.race([server.exited.then((code) => new ServerStartError(server, `exited (${code})`)), converse(server.url, hello, text)]);
    if (attempt instanceof ServerStartError) throw attempt;
    if (attempt instanceof Error) {
      lastError = attempt.message;
      await sleep(RETRY_MS);
      continue;
    }
    return { acceptingMs: Math.round(attempt.openedAt - server.spawnedAt), firstReplyMs: Math.round(attempt.answeredAt - server.spawnedAt) };
  }
  throw new Error(`no answer within ${timeoutMs} ms of spawning (last: ${lastError})`);
}

/** One try: resolves with the times, or with the error that ended it. */
function converse(url: string, hello: Record<string, string>, text: string): Promise<{ openedAt: number; answeredAt: number } | Error> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    let openedAt = 0;
    let helloAnswered = false;
    const finish = (outcome: { openedAt: number; answeredAt: number } | Error) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
      resolve(outcome);
    };
    socket.on('error', (error) => finish(error));
    socket.on('close', (code) => finish(new Error(`closed (code ${code})`)));
    socket.on('open', () => {
      openedAt = performance.now();
      socket.send(JSON.stringify({ type: 'hello', ...hello }));
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type?: string; code?: string; message?: string };
      if (frame.type === 'error') {
        finish(new Error(`error frame ${frame.code}: ${frame.message}`));
      } else if (!helloAnswered) {
        helloAnswered = true;
        socket.send(JSON.stringify({ type: 'message', text }));
      } else {
        finish({ openedAt, answeredAt: performance.now() });
      }
    });
  });
}
