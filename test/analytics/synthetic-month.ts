// A seeded synthetic month of conversation facts with known outcomes (issue 12). Each
// conversation is drawn from a scenario that says, as it writes the facts, what every figure
// must count for it: the ledger. Tests sum the ledger and compare with the figures, so the
// figures are checked against what was meant, not against a second copy of their code.
import type { AnalyticsFact, DeskFact, TurnFact } from '../../src/store/types.ts';

export const MONTH = { fromDay: '2026-11-01', toDay: '2026-11-30', timeZone: 'Asia/Seoul', now: '2026-12-05T00:00:00.000Z' } as const;
/** Asia/Seoul is UTC+9 all year. */
const OFFSET_MS = 9 * 3600_000;

export interface LedgerRun {
  flow: string;
  end: 'completed' | 'switched' | 'cancelled' | 'failed' | 'left' | 'ongoing';
  steps: string[];
  lastStep: string | null;
}

export interface LedgerEntry {
  sessionId: string;
  scenario: string;
  /** Counted in the conversation figures (began inside the month). */
  counted: boolean;
  day: string;
  hour: number;
  locale: 'ko' | 'en';
  channel: string;
  outcome: 'resolved_by_bot' | 'left_after_answer' | 'left_in_flow' | 'handed_to_person' | 'ticket_outside_hours' | 'ongoing';
  reason: string | null;
  runs: LedgerRun[];
  items: { waitMs: number; responseMs: number; resolutionMs: number; agent: string; handedBack: boolean }[];
  tickets: number;
  /** Turn-level, inside the month: */
  turns: number;
  textTurns: number;
  fallbacks: number;
  intents: string[];
  offered: number;
  picks: string[];
  /** Theme to the Monday of the week it was raised in. */
  themes: Record<string, string>;
  /** Local day of each turn inside the month. */
  turnDays: string[];
}

/** mulberry32: small, seeded, good enough to spread scenarios. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const localDay = (ms: number): string => iso(ms + OFFSET_MS).slice(0, 10);
const localHour = (ms: number): number => Number(iso(ms + OFFSET_MS).slice(11, 13));
function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}
const monthStartMs = Date.parse('2026-11-01T00:00:00.000Z') - OFFSET_MS;
const monthEndMs = Date.parse('2026-12-01T00:00:00.000Z') - OFFSET_MS;

class Conversation {
  readonly facts: AnalyticsFact[] = [];
  t: number;
  readonly entry: LedgerEntry;

  constructor(
    readonly id: string,
    readonly startMs: number,
    readonly locale: 'ko' | 'en',
    readonly channel: string,
    scenario: string,
  ) {
    this.t = startMs;
    const counted = startMs >= monthStartMs && startMs < monthEndMs;
    this.entry = {
      sessionId: id,
      scenario,
      counted,
      day: localDay(startMs),
      hour: localHour(startMs),
      locale,
      channel,
      outcome: 'left_after_answer',
      reason: null,
      runs: [],
      items: [],
      tickets: 0,
      turns: 0,
      textTurns: 0,
      fallbacks: 0,
      intents: [],
      offered: 0,
      picks: [],
      themes: {},
      turnDays: [],
    };
  }

  wait(ms: number): this {
    this.t += ms;
    return this;
  }

  get inMonth(): boolean {
    return this.t >= monthStartMs && this.t < monthEndMs;
  }

  turn(fields: Partial<TurnFact>, theme?: string): this {
    this.t += 20_000;
    const fact: TurnFact = {
      kind: 'turn',
      at: iso(this.t),
      sessionId: this.id,
      startedAt: iso(this.startMs),
      locale: this.locale,
      channel: this.channel,
      input: 'text',
      intent: null,
      score: null,
      alternatives: [],
      fallback: false,
      suggestions: [],
      flow: null,
      step: null,
      flows: [],
      entities: [],
      slots: [],
      handoff: null,
      ...fields,
    };
    this.facts.push(fact);
    if (this.inMonth) {
      const e = this.entry;
      e.turns++;
      e.turnDays.push(localDay(this.t));
      if (fact.input === 'text') {
        e.textTurns++;
        if (fact.fallback) e.fallbacks++;
        if (fact.intent !== null) e.intents.push(fact.intent);
        if (theme !== undefined) e.themes[theme] = mondayOf(localDay(this.t));
      }
    }
    return this;
  }

  desk(event: DeskFact['event'], fields: Partial<DeskFact> = {}): this {
    this.t += 1000;
    this.facts.push({
      kind: 'desk',
      at: iso(this.t),
      sessionId: this.id,
      startedAt: iso(this.startMs),
      locale: this.locale,
      channel: this.channel,
      event,
      itemId: `q-${this.id}`,
      agentId: null,
      reason: null,
      ...fields,
    });
    return this;
  }
}

const text = (locale: 'ko' | 'en', ko: string, en: string): string => (locale === 'ko' ? ko : en);

type Scenario = (c: Conversation, r: () => number) => void;

const AGENTS = ['mina', 'joon'];

const SCENARIOS: Record<string, Scenario> = {
  faq_thanks(c) {
    c.turn({ intent: 'shipping.fee', score: 0.9, text: text(c.locale, '배송비 얼마예요', 'how much is shipping') });
    c.turn({ intent: 'thanks', score: 0.95, text: text(c.locale, '감사합니다', 'thanks') });
    c.entry.outcome = 'resolved_by_bot';
  },
  faq_left(c) {
    c.turn({ intent: 'return.policy', score: 0.88, text: text(c.locale, '반품 기간이 어떻게 돼요', 'what is the return window') });
    c.entry.outcome = 'left_after_answer';
  },
  order_completed(c) {
    c.turn({ intent: 'order.status', score: 0.92, flow: 'order_status', step: 'ask_order_number', flows: [{ flow: 'order_status', event: 'started' }], text: text(c.locale, '주문 조회요', 'where is my order') });
    c.turn({ intent: 'order.status', score: 0.7, entities: ['order_number'], slots: ['order_number'], flows: [{ flow: 'order_status', event: 'completed' }], text: '20261105' });
    c.entry.outcome = 'resolved_by_bot';
    c.entry.runs.push({ flow: 'order_status', end: 'completed', steps: ['ask_order_number'], lastStep: 'ask_order_number' });
  },
  order_left(c) {
    c.turn({ intent: 'order.status', score: 0.92, flow: 'order_status', step: 'ask_order_number', flows: [{ flow: 'order_status', event: 'started' }], text: text(c.locale, '주문 조회요', 'where is my order') });
    c.entry.outcome = 'left_in_flow';
    c.entry.runs.push({ flow: 'order_status', end: 'left', steps: ['ask_order_number'], lastStep: 'ask_order_number' });
  },
  size_left_at_weight(c) {
    c.turn({ intent: 'size.help', score: 0.9, flow: 'size_help', step: 'ask_height', flows: [{ flow: 'size_help', event: 'started' }], text: text(c.locale, '사이즈 추천해 주세요', 'which size should I take') });
    c.turn({ intent: 'None', score: 0.2, flow: 'size_help', step: 'ask_weight', entities: ['height'], slots: ['height'], text: '170' });
    c.entry.outcome = 'left_in_flow';
    c.entry.runs.push({ flow: 'size_help', end: 'left', steps: ['ask_height', 'ask_weight'], lastStep: 'ask_weight' });
  },
  /** Leaves mid-flow, reconnects two minutes later (same session), and finishes: not a drop-off. */
  size_reconnect(c) {
    c.turn({ intent: 'size.help', score: 0.9, flow: 'size_help', step: 'ask_height', flows: [{ flow: 'size_help', event: 'started' }], text: text(c.locale, '사이즈 추천해 주세요', 'which size should I take') });
    c.wait(120_000);
    c.turn({ intent: 'None', score: 0.2, flow: 'size_help', step: 'ask_weight', slots: ['height'], text: '170' });
    c.turn({ intent: 'None', score: 0.2, flows: [{ flow: 'size_help', event: 'completed' }], slots: ['weight'], text: '60' });
    c.entry.outcome = 'resolved_by_bot';
    c.entry.runs.push({ flow: 'size_help', end: 'completed', steps: ['ask_height', 'ask_weight'], lastStep: 'ask_weight' });
  },
  /** Resumed five hours later with the same session token: one conversation. */
  resumed(c) {
    c.turn({ intent: 'refund.status', score: 0.9, text: text(c.locale, '환불 언제 들어와요', 'when will my refund arrive') }, 'refund_delay');
    c.wait(5 * 3600_000);
    c.turn({ intent: 'goodbye', score: 0.93, text: text(c.locale, '안녕히 계세요', 'bye') });
    c.entry.outcome = 'resolved_by_bot';
  },
  switched(c) {
    c.turn({ intent: 'order.cancel', score: 0.9, flow: 'cancel_order', step: 'ask_order_number', flows: [{ flow: 'cancel_order', event: 'started' }], text: text(c.locale, '주문 취소할래요', 'cancel my order') });
    c.turn({
      intent: 'order.status',
      score: 0.85,
      flow: 'order_status',
      step: 'ask_order_number',
      flows: [
        { flow: 'cancel_order', event: 'abandoned', why: 'switch' },
        { flow: 'order_status', event: 'started' },
      ],
      text: text(c.locale, '아니 그냥 배송 조회', 'actually, where is it'),
    });
    c.turn({ intent: 'order.status', score: 0.6, entities: ['order_number'], flows: [{ flow: 'order_status', event: 'completed' }], text: '20261107' });
    c.entry.outcome = 'resolved_by_bot';
    c.entry.runs.push(
      { flow: 'cancel_order', end: 'switched', steps: ['ask_order_number'], lastStep: 'ask_order_number' },
      { flow: 'order_status', end: 'completed', steps: ['ask_order_number'], lastStep: 'ask_order_number' },
    );
  },
  cancelled(c) {
    c.turn({ intent: 'return.request', score: 0.9, flow: 'return_request', step: 'ask_order_number', flows: [{ flow: 'return_request', event: 'started' }], text: text(c.locale, '반품할래요', 'I want to return this') });
    c.turn({ intent: 'None', score: 0.3, flows: [{ flow: 'return_request', event: 'abandoned', why: 'cancel' }], text: text(c.locale, '그만할래요', 'never mind') });
    c.turn({ intent: 'goodbye', score: 0.9, text: text(c.locale, '안녕', 'bye') });
    c.entry.outcome = 'resolved_by_bot';
    c.entry.runs.push({ flow: 'return_request', end: 'cancelled', steps: ['ask_order_number'], lastStep: 'ask_order_number' });
  },
  fallback_pick(c) {
    c.turn({ intent: 'None', score: 0.31, fallback: true, suggestions: ['return.policy', 'refund.status'], alternatives: [{ intent: 'return.policy', score: 0.3 }], text: text(c.locale, '돈 돌려받는 거', 'money back thing') });
    c.turn({ input: 'quick_reply', intent: 'return.policy' });
    c.turn({ intent: 'thanks', score: 0.9, text: text(c.locale, '고마워요', 'thank you') });
    c.entry.outcome = 'resolved_by_bot';
    c.entry.offered = 1;
    c.entry.picks.push('return.policy');
  },
  fallback_left(c) {
    c.turn({ intent: 'None', score: 0.12, fallback: true, suggestions: ['size.help'], text: text(c.locale, '이거 괜찮나요 흠', 'is this any good hmm') });
    c.entry.outcome = 'left_after_answer';
    c.entry.offered = 1;
  },
  /** Asks for a person in hours: queued, claimed, answered, resolved. */
  handed(c, r) {
    const agent = AGENTS[Math.floor(r() * AGENTS.length)] as string;
    const reason = r() < 0.5 ? 'user_request' : 'low_confidence';
    c.turn({ intent: 'agent.request', score: 0.95, handoff: { reason, open: true }, text: text(c.locale, '상담원 연결해 주세요', 'let me talk to a person') });
    const queuedAt = c.t + 1000;
    c.desk('queued', { reason });
    const waitMs = 1000 * (30 + Math.floor(r() * 300));
    c.wait(waitMs - 1000).desk('claimed', { agentId: agent, reason });
    const responseGap = 1000 * (5 + Math.floor(r() * 60));
    c.wait(responseGap - 1000).desk('agent_message', { agentId: agent, reason });
    c.wait(60_000).desk('agent_message', { agentId: agent, reason });
    c.wait(120_000).desk('resolved', { agentId: agent, reason });
    c.entry.outcome = 'handed_to_person';
    c.entry.reason = reason;
    c.entry.items.push({ waitMs, responseMs: waitMs + responseGap, resolutionMs: c.t - queuedAt, agent, handedBack: false });
  },
  /** The agent hands the conversation back to the bot, which answers on. */
  hand_back(c, r) {
    const agent = AGENTS[Math.floor(r() * AGENTS.length)] as string;
    c.turn({ intent: 'product.defect', score: 0.9, handoff: { reason: 'flow_request', open: true }, text: text(c.locale, '받은 옷이 찢어져 있어요', 'the shirt arrived torn') }, 'defect');
    const queuedAt = c.t + 1000;
    c.desk('queued', { reason: 'flow_request' });
    c.wait(59_000).desk('claimed', { agentId: agent, reason: 'flow_request' });
    c.wait(9000).desk('agent_message', { agentId: agent, reason: 'flow_request' });
    c.wait(29_000).desk('handed_back', { agentId: agent, reason: 'flow_request' });
    c.turn({ intent: 'thanks', score: 0.9, text: text(c.locale, '감사해요', 'thanks') });
    c.entry.outcome = 'handed_to_person';
    c.entry.reason = 'flow_request';
    c.entry.items.push({ waitMs: 60_000, responseMs: 70_000, resolutionMs: 100_000, agent, handedBack: true });
  },
  offline_ticket(c) {
    c.turn({ intent: 'agent.request', score: 0.95, handoff: { reason: 'user_request', open: false }, text: text(c.locale, '사람이랑 얘기하고 싶어요', 'I need a human') });
    c.desk('offline_ticket', { reason: 'offline_message' });
    c.entry.outcome = 'ticket_outside_hours';
    c.entry.reason = 'offline_message';
    c.entry.tickets = 1;
  },
  late_delivery(c) {
    c.turn({ intent: 'order.status', score: 0.9, text: text(c.locale, '주문한 게 아직 안 와요', 'my order is still not here') }, 'delivery_delay');
    c.entry.outcome = 'left_after_answer';
  },
};

const WEIGHTS: [string, number][] = [
  ['faq_thanks', 14],
  ['faq_left', 10],
  ['order_completed', 14],
  ['order_left', 6],
  ['size_left_at_weight', 5],
  ['size_reconnect', 5],
  ['resumed', 5],
  ['switched', 5],
  ['cancelled', 4],
  ['fallback_pick', 6],
  ['fallback_left', 6],
  ['handed', 8],
  ['hand_back', 4],
  ['offline_ticket', 4],
  ['late_delivery', 4],
];

export interface SyntheticMonth {
  facts: AnalyticsFact[];
  ledger: LedgerEntry[];
}

/**
 * `count` conversations started at random minutes of the month (shop time), plus the fixed edge
 * cases: some start at 23:5x and run past midnight (one on the month's last night, into December),
 * some began on 31 October and carry on into November.
 */
export function syntheticMonth(count: number, seed = 12): SyntheticMonth {
  const r = prng(seed);
  const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const pick = (): string => {
    let x = r() * total;
    for (const [name, w] of WEIGHTS) if ((x -= w) < 0) return name;
    return 'faq_left';
  };
  const conversations: Conversation[] = [];
  const make = (startMs: number, scenario: string): void => {
    const n = conversations.length;
    const c = new Conversation(`s${String(n).padStart(6, '0')}`, startMs, r() < 0.6 ? 'ko' : 'en', r() < 0.8 ? 'web' : 'kakao', scenario);
    (SCENARIOS[scenario] as Scenario)(c, r);
    conversations.push(c);
  };
  for (let i = 0; i < count; i++) {
    const minute = Math.floor(r() * 30 * 24 * 60);
    make(monthStartMs + minute * 60_000, pick());
  }
  // Across midnight: 23:58 shop time, every scenario once on day 10; and on the month's last night.
  for (const name of Object.keys(SCENARIOS)) make(Date.parse('2026-11-10T23:58:00.000Z') - OFFSET_MS, name);
  for (const name of ['order_completed', 'resumed', 'handed']) make(monthEndMs - 2 * 60_000, name);
  // Began before the month: their November turns count, the conversations do not.
  for (const name of ['resumed', 'size_reconnect', 'late_delivery']) make(monthStartMs - 3 * 60_000, name);

  const facts = conversations.flatMap((c) => c.facts).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { facts, ledger: conversations.map((c) => c.entry) };
}
