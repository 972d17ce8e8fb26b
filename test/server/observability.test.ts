// Logs (JSON, per-session child loggers, personal data masked), /healthz and /metrics.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logging.ts';
import type { DialogEngine } from '../../src/dialog/types.ts';
import { login, scriptedDialog, shopper, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

function captureLogs(level: string): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level, destination }) };
}

describe('logs', () => {
  it('write JSON lines with personal data masked in messages and fields', () => {
    const { lines, logger } = captureLogs('info');
    logger.info({ shopper: { phone: '010-2841-5732', note: '주소는 서울 마포구 월드컵북로 396' } }, 'reach me at minji.kim@example.com');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 30,
      msg: 'reach me at [EMAIL]',
      shopper: { phone: '[PHONE]', note: '주소는 [ADDRESS]' },
    });
    expect(JSON.stringify(line)).not.toMatch(/2841|minji|월드컵/);
  });

  it('carry the session id on every line about a session, and mask what the shopper typed', async () => {
    const { lines, logger } = captureLogs('debug');
    const failing: DialogEngine = {
      ...scriptedDialog(),
      turn: async (_state, input) => {
        throw new Error(`flow crashed on "${input.kind === 'text' ? input.text : ''}"`);
      },
    };
    server = await startTestServer({ deps: { logger, dialog: failing } });
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '제 번호 010-2841-5732로 연락 주세요' });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'internal_error' });
    const failure = lines.find((line) => line.msg === 'turn failed');
    expect(failure).toMatchObject({ sessionId: session.sessionId, level: 50 });
    expect(JSON.stringify(failure)).toContain('[PHONE]');
    expect(JSON.stringify(lines)).not.toContain('2841-5732');
    // The shopper's words are kept even though the bot could not answer.
    expect((await server.store.getTranscript(session.sessionId)).map((e) => e.text)).toEqual(['제 번호 010-2841-5732로 연락 주세요']);
    socket.close();
  });

  it('stay quiet at info level while conversations run', async () => {
    const { lines, logger } = captureLogs('info');
    server = await startTestServer({ deps: { logger } });
    const startup = lines.length;
    const { socket } = await shopper(server.wsUrl);
    for (const text of ['안녕하세요', '배송 조회', '날씨 어때요']) {
      socket.send({ type: 'message', text });
      await socket.nextOfType('bot');
    }
    expect(lines.slice(startup)).toEqual([]);
    socket.close();
  });
});

describe('health and metrics', () => {
  it('answers /healthz', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', pid: process.pid, store: { kind: 'memory', reachable: true } });
  });

  it('counts turns, intents, fallbacks, hand-offs by reason, queue length and turn latency', async () => {
    server = await startTestServer();
    await login(server.url);
    const { socket } = await shopper(server.wsUrl);
    for (const text of ['안녕하세요', '오늘 날씨 어때요', '상담원 연결해 주세요']) {
      socket.send({ type: 'message', text });
      await socket.nextOfType('bot');
    }
    await socket.nextOfType('handoff');
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('daehwa_turns_total{kind="text"} 3');
    expect(text).toContain('daehwa_intents_total{intent="greeting"} 1');
    expect(text).toContain('daehwa_intents_total{intent="None"} 1');
    expect(text).toContain('daehwa_fallbacks_total 1');
    expect(text).toContain('daehwa_handoffs_total{reason="user_request"} 1');
    expect(text).toContain('daehwa_queue_length{status="waiting"} 1');
    expect(text).toContain('daehwa_turn_duration_seconds_count 3');
    expect(text).toMatch(/daehwa_turn_duration_seconds_bucket\{le="0\.2"\} \d+/);
    socket.close();
  });

  it('counts bad frames by error code', async () => {
    server = await startTestServer();
    const { socket } = await shopper(server.wsUrl);
    socket.send('{oops');
    await socket.nextOfType('error');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('daehwa_frame_errors_total{code="invalid_json"} 1');
    socket.close();
  });
});
