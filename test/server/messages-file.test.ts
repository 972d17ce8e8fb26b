// What the hand-off desk says comes from the messages file loaded with the flows: a reworded file
// is what shoppers hear, a reload brings the new wording in, and a file missing a sentence the
// desk needs stops the server from starting, naming file:line:column. Auto-close's check-in and
// the proactive "talk to a person" button are read from a temporary copy of the shop's flows with
// the sentence reworded: the new wording is what the shopper gets.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFlowSet } from '../../src/dialog/index.ts';
import type { MessagesSpec } from '../../src/dialog/schema.ts';
import type { ProactiveConfig } from '../../src/proactive/loader.ts';
import { RulesFileSchema, SuggestionsFileSchema } from '../../src/proactive/schema.ts';
import { assembleDaehwa, InvalidFlowsError } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';
import { api, CLOSED_HOURS, login, ManualClock, OPEN_HOURS, scriptedDialog, shopper, startTestServer, testConfig, waitFor, type TestServer } from './helpers.ts';

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

/** The messages of a temporary copy of the shop's flows whose messages.yaml `edit` rewrites, loaded as the server loads them. */
async function messagesEdited(edit: (text: string) => string): Promise<MessagesSpec> {
  const dir = await mkdtemp(join(tmpdir(), 'daehwa-messages-edit-'));
  dirs.push(dir);
  await cp(new URL('../../flows/', import.meta.url).pathname, dir, { recursive: true });
  const file = join(dir, 'messages.yaml');
  const text = await readFile(file, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  await writeFile(file, edited);
  const loaded = await loadFlowSet(dir);
  if (!loaded.ok) throw new Error(`the edited flows do not load: ${JSON.stringify(loaded.problems)}`);
  return loaded.flowSet.messages;
}

const MIN = 60_000;

/** `desk.check_in`'s English line replaced by `en`. */
const checkInReads = (en: string) => (text: string) => text.replace(/^( {2}check_in:\n {4}ko: .*\n {4}en: ).*$/m, `$1${en}`);

describe('auto-close’s check-in', () => {
  it('is the messages file’s, and a check-in sent before the sentence was reworded still counts as sent', async () => {
    const first = await messagesEdited(checkInReads('Still with us? This chat closes in {{minutes}} min unless you reply.'));
    const second = await messagesEdited(checkInReads('Are you there? We will close this chat in {{minutes}} min.'));
    const clock = new ManualClock(OPEN_HOURS);
    server = await startTestServer({
      clock,
      config: { desk: { autoClose: { checkInMs: 5 * MIN, closeMs: 2 * MIN } } },
      deps: { messages: first, reloaders: { loadFlows: async () => ({ ok: true, dialog: scriptedDialog(), messages: second }) } },
    });
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl, { locale: 'en' });
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f['status'] === 'queued');
    const [item] = await server.store.listQueue(['waiting']);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token })).status).toBe(200);
    await socket.next((f) => f.type === 'handoff' && f['status'] === 'assigned');

    clock.advance(5 * MIN);
    expect(await socket.nextOfType('agent')).toMatchObject({ text: 'Still with us? This chat closes in 2 min unless you reply.' });
    // The designer rewords it; the reload brings the new sentence in.
    expect((await api(server.url, 'POST', '/api/admin/reload/flows', { token })).status).toBe(200);

    // The earlier check-in still counts: the quiet conversation is closed, not checked in again.
    clock.advance(2 * MIN);
    await waitFor(async () => (await server!.store.getQueueItem(item!.id))?.status === 'resolved');
    const agentLines = (await server.store.getTranscript(item!.sessionId)).filter((e) => e.from === 'agent');
    expect(agentLines.map((e) => [e.text, e.automatic])).toEqual([['Still with us? This chat closes in 2 min unless you reply.', 'check_in']]);
    socket.close();
  });
});

describe('the proactive “talk to a person” button', () => {
  it('is the messages file’s', async () => {
    const messages = await messagesEdited((text) => text.replace(/^( {2}talk_to_person:\n {4}ko: ).*$/m, '$1사람 상담원과 이야기하기'));
    const proactive: ProactiveConfig = {
      notifications: { notifications: {} },
      rules: RulesFileSchema.parse({
        caps: { min_minutes_between: 0, max_per_day: 10 },
        rules: [{ id: 'help_page', when: { trigger: 'page_view' }, if: { page: 'help' }, do: { offer_person: { ko: '찾으시는 답이 없나요?', en: 'Not finding it?' } } }],
      }),
      suggestions: SuggestionsFileSchema.parse({ pages: {} }),
    };
    server = await startTestServer({ deps: { messages, proactive } });
    const { socket } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'event', name: 'page_view', data: { page: 'help', topic: 'returns' } });
    expect(await socket.nextOfType('nudge')).toMatchObject({ text: '찾으시는 답이 없나요?', quickReplies: [{ label: '사람 상담원과 이야기하기', payload: 'handoff' }] });
    socket.close();
  });
});
