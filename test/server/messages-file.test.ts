// What the hand-off desk says comes from the messages file loaded with the flows: a reworded file
// is what shoppers hear, a reload brings the new wording in, and a file missing a sentence the
// desk needs stops the server from starting, naming file:line:column.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesSpec } from '../../src/dialog/schema.ts';
import { assembleDaehwa, InvalidFlowsError } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';
import { api, CLOSED_HOURS, login, ManualClock, scriptedDialog, shopper, startTestServer, testConfig, type TestServer } from './helpers.ts';

let server: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function withDesk(desk: Partial<MessagesSpec['desk']>): MessagesSpec {
  return { ...SHOP_MESSAGES, desk: { ...SHOP_MESSAGES.desk, ...desk } };
}

describe('the desk’s sentences', () => {
  it('are the messages file’s, and a flow reload brings a new wording in', async () => {
    const first = withDesk({
      offline_notice: { ko: '지금은 쉬는 시간이에요. {{reopening}}', en: 'We are closed. {{reopening}}' },
      offline_keep_chatting: { ko: '챗봇이랑 얘기할게요', en: 'Chat with the bot' },
    });
    const second = withDesk({ offline_notice: { ko: '영업시간이 끝났어요. {{reopening}} 메시지를 남겨 주세요.', en: 'We have closed for today. {{reopening}}' } });
    server = await startTestServer({
      clock: new ManualClock(CLOSED_HOURS),
      deps: { messages: first, reloaders: { loadFlows: async () => ({ ok: true, dialog: scriptedDialog(), messages: second }) } },
    });
    const { socket } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    expect(await socket.nextOfType('bot')).toMatchObject({
      text: '지금은 쉬는 시간이에요. 상담원은 내일(수) 오전 9시부터 연결돼요.',
      quickReplies: [{ label: '챗봇이랑 얘기할게요', payload: 'daehwa:back_to_bot' }],
    });
    socket.send({ type: 'quick_reply', payload: 'daehwa:back_to_bot' });
    expect((await socket.nextOfType('bot')).text).toBe(SHOP_MESSAGES.desk.back_to_bot.ko);

    const token = await login(server.url);
    expect((await api(server.url, 'POST', '/api/admin/reload/flows', { token })).status).toBe(200);
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    expect(await socket.nextOfType('bot')).toMatchObject({
      text: '영업시간이 끝났어요. 상담원은 내일(수) 오전 9시부터 연결돼요. 메시지를 남겨 주세요.',
      // The reload replaced the whole file: this sentence is the shop's again.
      quickReplies: [{ label: SHOP_MESSAGES.desk.offline_keep_chatting.ko, payload: 'daehwa:back_to_bot' }],
    });
    socket.close();
  });

  it('must all be in the file: the server does not start without one, and says where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daehwa-messages-start-'));
    dirs.push(dir);
    const flowsDir = join(dir, 'flows');
    await cp(new URL('../../flows/', import.meta.url).pathname, flowsDir, { recursive: true });
    const file = join(flowsDir, 'messages.yaml');
    const text = await readFile(file, 'utf8');
    const edited = text.replace(/^ {2}offline_notice:\n(?: {4}.*\n){2}/m, '');
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    // `desk:` now begins with its next key, where the problem points.
    const line = edited.slice(0, edited.indexOf('  offline_keep_chatting:')).split('\n').length;
    const config = testConfig({
      flowsDir,
      store: { kind: 'memory' },
      commerce: { kind: 'demo', dataDir: join(dir, 'shop') },
      modelsDir: join(dir, 'models'),
    });
    const started = assembleDaehwa(config, { logger: createLogger({ level: 'silent' }) });
    await expect(started).rejects.toBeInstanceOf(InvalidFlowsError);
    await expect(started).rejects.toMatchObject({
      problems: `${file}:${line}:3: missing \`desk.offline_notice\` (the engine says it: give it \`ko\` and \`en\`) (at desk.offline_notice)`,
    });
  });
});
