// Edited flows and a retrained model are picked up from the file system without a restart.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DialogEngine } from '../../src/dialog/types.ts';
import { formatProblems } from '../../src/dialog/index.ts';
import { loadProactive } from '../../src/proactive/loader.ts';
import type { FlowsLoad } from '../../src/server/reload.ts';
import { scriptedClassifier, scriptedDialog, shopper, startTestServer, waitFor, type TestServer } from './helpers.ts';

let server: TestServer;
let dir: string;
afterEach(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function prefixed(prefix: string): DialogEngine {
  const base = scriptedDialog();
  return {
    initialState: base.initialState,
    turn: async (...args) => {
      const result = await base.turn(...args);
      return { ...result, replies: result.replies.map((r) => ({ ...r, text: `${prefix}${r.text}` })) };
    },
  };
}

describe('file watch reload', () => {
  it('reloads flows when a file in the flows directory changes; an invalid set is refused', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-watch-'));
    // Judged by what the file holds when it is read, like the real loader: one save may raise
    // several file events, and on a loaded machine they can fall into separate debounce windows.
    const loadFlows = async (): Promise<FlowsLoad> =>
      (await readFile(path.join(dir, 'a.yaml'), 'utf8')).includes('broken')
        ? { ok: false, problems: 'flows/a.yaml:3:1: missing `en` text' }
        : { ok: true, dialog: prefixed('new ') };
    server = await startTestServer({
      config: { reload: { watch: true }, flowsDir: dir, modelsDir: path.join(dir, 'no-models') },
      deps: { reloaders: { loadFlows } },
    });
    const { socket } = await shopper(server.wsUrl);
    await writeFile(path.join(dir, 'a.yaml'), 'id: broken\n');
    await waitForMetric(server, 'daehwa_reloads_total{target="flows",outcome="refused"}');
    socket.send({ type: 'message', text: 'before' });
    expect((await socket.nextOfType('bot')).text).toBe('#1 before');
    await writeFile(path.join(dir, 'a.yaml'), 'id: fixed\n');
    await waitForMetric(server, 'daehwa_reloads_total{target="flows",outcome="ok"}');
    socket.send({ type: 'message', text: 'after' });
    expect((await socket.nextOfType('bot')).text).toBe('new #2 after');
    socket.close();
  });

  it('reloads the proactive rules when flows/proactive/ changes; a broken rule file is refused at its line', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-watch-'));
    await mkdir(path.join(dir, 'proactive'));
    await writeFile(path.join(dir, 'proactive', 'rules.yaml'), 'rules: []\n');
    const catalogue = { flows: new Map<string, string[]>(), intents: new Set(['size.help']) };
    const problems: string[] = [];
    const loadFlows = async (): Promise<FlowsLoad> => {
      const loaded = await loadProactive(dir, catalogue);
      if (!loaded.ok) {
        problems.push(formatProblems(loaded.problems));
        return { ok: false, problems: formatProblems(loaded.problems) };
      }
      return { ok: true, dialog: scriptedDialog(), proactive: loaded.config };
    };
    server = await startTestServer({
      config: { reload: { watch: true }, flowsDir: dir, modelsDir: path.join(dir, 'no-models') },
      deps: { reloaders: { loadFlows } },
    });
    const { socket } = await shopper(server.wsUrl);
    await writeFile(path.join(dir, 'proactive', 'rules.yaml'), 'rules:\n  - id: x\n    when: { trigger: dwel }\n    do: { message: { ko: 네, en: yes } }\n');
    await waitForMetric(server, 'daehwa_reloads_total{target="flows",outcome="refused"}');
    expect(problems.at(-1)).toMatch(/proactive\/rules\.yaml:3:22: unknown trigger 'dwel'/);
    await writeFile(
      path.join(dir, 'proactive', 'rules.yaml'),
      'rules:\n  - id: linger\n    when: { trigger: dwell, seconds: 5 }\n    do: { message: { ko: 도와드릴까요?, en: Need help? } }\n',
    );
    await waitForMetric(server, 'daehwa_reloads_total{target="flows",outcome="ok"}');
    socket.send({ type: 'event', name: 'page_view', data: { page: 'home' } });
    socket.send({ type: 'event', name: 'dwell', data: { seconds: 10 } });
    expect((await socket.nextOfType('nudge')).text).toBe('도와드릴까요?');
    socket.close();
  });

  it('reloads the model when models/ changes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-watch-'));
    const confident = scriptedClassifier();
    server = await startTestServer({
      config: { reload: { watch: true }, modelsDir: dir, flowsDir: path.join(dir, 'no-flows') },
      deps: {
        reloaders: {
          loadModel: async () => ({
            classify: async (text, options) => ({ ...(await confident.classify(text, options)), intent: 'thanks' as const }),
            modelInfo: { version: 'v2' },
          }),
        },
      },
    });
    await writeFile(path.join(dir, 'current.json'), '{}');
    await waitForMetric(server, 'daehwa_reloads_total{target="model",outcome="ok"}');
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { model: unknown };
    expect(health.model).toEqual({ version: 'v2' });
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '안녕하세요' });
    expect((await socket.nextOfType('bot')).meta).toMatchObject({ intent: 'thanks' });
    socket.close();
  });
});

/**
 * Waits until /metrics counts at least one `series`: the watcher's debounce runs on real time,
 * outside the test's clock, and a loaded machine may take long to notice the file (the test's
 * timeout bounds it). At least one, not exactly one: a save may be seen as two.
 */
async function waitForMetric(s: TestServer, series: string): Promise<void> {
  await waitFor(async () => {
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
    return line !== undefined && Number(line.slice(series.length + 1)) >= 1;
  });
}
