// The Kakao skill endpoint under a fixed request rate, beside the shopper websocket at the same
// rate in the same run and on the same server process (issue 15). The skill client sends one
// request every 1000/rate ms (drift-corrected), round-robin over its users, each walking the
// Korean conversation scripts; a request not answered in 10 s is a timeout.
import { performance } from 'node:perf_hooks';
import { CONVERSATIONS, ConversationCursor, type ShopperProfile } from './conversations.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import { runLoad, type LoadResult } from './load-client.ts';
import type { ScenarioContext } from './scenarios.ts';
import { waitUntilAccepting } from './processes.ts';
import { seededRandom } from '../../src/nlu/model/scorer.ts';

export const BENCH_KAKAO_SECRET = 'bench-kakao-skill-secret';
const REQUEST_TIMEOUT_MS = 10_000;

export interface SkillLoadResult {
  users: number;
  targetPerSecond: number;
  sent: number;
  answered: number;
  /** Answers that were not a 200 template or callback response. */
  errors: number;
  timeouts: number;
  /** Answers that said "확인 중이에요": a turn that missed the deadline. */
  late: number;
  elapsedMs: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  errorSamples: string[];
}

function skillBody(botId: string, userId: string, utterance: string): string {
  return JSON.stringify({
    intent: { id: 'fallback', name: '폴백 블록' },
    userRequest: { timezone: 'Asia/Seoul', utterance, lang: 'ko', user: { id: userId, type: 'botUserKey', properties: {} }, block: { id: 'fallback', name: '폴백 블록' }, params: {} },
    bot: { id: botId, name: 'bench' },
    action: { id: 'skill', name: 'daehwa', params: {}, detailParams: {}, clientExtra: null },
  });
}

/** Fixed-rate open loop against POST /channels/kakao/skill. */
export async function runSkillLoad(options: { baseUrl: string; users: number; ratePerSecond: number; durationMs: number; profiles: readonly ShopperProfile[] }): Promise<SkillLoadResult> {
  const { baseUrl, users, ratePerSecond, durationMs, profiles } = options;
  const random = seededRandom(11);
  const cursors = Array.from({ length: users }, (_, i) => new ConversationCursor(CONVERSATIONS, 'ko', profiles[i % profiles.length]!, Math.floor(random() * 100)));
  const histogram = new LatencyHistogram();
  const result = { sent: 0, answered: 0, errors: 0, timeouts: 0, late: 0, errorSamples: [] as string[] };
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / ratePerSecond;
  const started = performance.now();
  // One request outstanding per user at most, as a person waits for the answer: a busy user skips its slot.
  const busy = new Set<number>();
  const send = (user: number): void => {
    if (busy.has(user)) return;
    busy.add(user);
    result.sent += 1;
    const at = performance.now();
    const request = fetch(`${baseUrl}/channels/kakao/skill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8', 'x-daehwa-skill-secret': BENCH_KAKAO_SECRET },
      body: skillBody('bench-bot', `user-${user}`, cursors[user]!.next()),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
      .then(async (response) => {
        const body = (await response.json()) as { useCallback?: boolean; template?: { outputs?: { simpleText?: { text?: string } }[] } };
        histogram.recordMillis(performance.now() - at);
        if (response.status !== 200) {
          result.errors += 1;
          if (result.errorSamples.length < 3) result.errorSamples.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
          return;
        }
        result.answered += 1;
        if (body.useCallback || body.template?.outputs?.[0]?.simpleText?.text?.startsWith('확인 중이에요')) result.late += 1;
      })
      .catch((err: unknown) => {
        if (err instanceof Error && err.name === 'TimeoutError') result.timeouts += 1;
        else {
          result.errors += 1;
          if (result.errorSamples.length < 3) result.errorSamples.push(String(err));
        }
      })
      .finally(() => {
        busy.delete(user);
        inFlight.delete(request);
      });
    inFlight.add(request);
  };
  for (let i = 0; ; i++) {
    const due = started + i * intervalMs;
    if (due - started >= durationMs) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    send(i % users);
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started;
  return {
    users,
    targetPerSecond: ratePerSecond,
    ...result,
    elapsedMs: Math.round(elapsedMs),
    requestsPerSecond: Math.round((result.answered / elapsedMs) * 1000 * 10) / 10,
    latency: histogram.summary(),
  };
}

export interface KakaoBenchRun {
  ratePerSecond: number;
  users: number;
  websocket: LoadResult;
  skill: SkillLoadResult;
}

/** One server, warmed up; the websocket at the rate, then the skill endpoint at the same rate. */
export async function benchKakao(ctx: ScenarioContext, options: { users: number; ratePerSecond: number; durationMs: number; warmupMs: number }): Promise<KakaoBenchRun> {
  const { users, ratePerSecond, durationMs, warmupMs } = options;
  const server = await ctx.workspace.spawnDaehwa('kakao', [], { channels: { kakao: { secret: BENCH_KAKAO_SECRET } } });
  try {
    await waitUntilAccepting(server, 60_000);
    const baseUrl = server.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
    ctx.log(`kakao: warm-up, websocket and skill (${warmupMs / 1000} s each)`);
    await runLoad({ url: server.url, profiles: ctx.profiles, shoppers: 50, mode: 'closed', durationMs: warmupMs, maxTurns: 10_000_000, random: seededRandom(5) });
    await runSkillLoad({ baseUrl, users: 50, ratePerSecond: 100, durationMs: warmupMs, profiles: ctx.profiles });
    ctx.log(`kakao: websocket, ${users} shoppers, ${ratePerSecond} turns/s in all, ${durationMs / 1000} s`);
    const websocket = await runLoad({
      url: server.url,
      profiles: ctx.profiles,
      shoppers: users,
      mode: 'open',
      meanIntervalMs: (users * 1000) / ratePerSecond,
      interval: 'uniform',
      conversationsPerSession: Number.POSITIVE_INFINITY,
      durationMs,
      maxTurns: 10_000_000,
      random: seededRandom(5),
    });
    ctx.log(`  ${websocket.turnsPerSecond} turns/s, p50 ${websocket.latency.p50Ms} ms, p99 ${websocket.latency.p99Ms} ms, errors ${websocket.errors}, timeouts ${websocket.timeouts}`);
    ctx.log(`kakao: skill endpoint, ${users} users, ${ratePerSecond} requests/s, ${durationMs / 1000} s`);
    const skill = await runSkillLoad({ baseUrl, users, ratePerSecond, durationMs, profiles: ctx.profiles });
    ctx.log(`  ${skill.requestsPerSecond} requests/s, p50 ${skill.latency.p50Ms} ms, p99 ${skill.latency.p99Ms} ms, errors ${skill.errors}, timeouts ${skill.timeouts}, late ${skill.late}`);
    return { ratePerSecond, users, websocket, skill };
  } finally {
    await server.stop();
  }
}
