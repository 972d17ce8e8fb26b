// Runs YAML conversation tests against the real engine: the flows, an NLU classifier and a
// fresh copy of the demo shop per conversation, so one conversation's writes never leak into
// the next.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommercePort, CommerceResult } from '../../commerce/types.ts';
import type { Classifier, Locale } from '../../nlu/types.ts';
import type { StoredSurveyState, SurveyRecord } from '../../store/types.ts';
import { runBotTurn } from '../../conversation/bot-turn.ts';
import { readSurveyState, surveySettingsSchema, type HistoryLine, type SurveyTexts, type SurveyedTurn } from '../../surveys/index.ts';
import { createDialogEngine, describeState } from '../engine.ts';
import { toJson } from '../json.ts';
import type { FlowSet } from '../flowset.ts';
import type { MessagesSpec } from '../schema.ts';
import { SourceFile, type FlowProblem } from '../problems.ts';
import type { BotReply, CaseInfo, CasesPort, DialogEvent, DialogInput, DialogState } from '../types.ts';
import { type ChannelId, ConversationFileSchema, type ConversationSpec, type Expectation, type PortMethod, type TurnSpec } from './format.ts';

/** The demo shop's reference day (data/shop/README.md): the default clock. */
export const DEFAULT_CLOCK = '2026-11-20T10:00:00+09:00';

export interface ShopHandle {
  port: CommercePort;
  close(): Promise<void>;
}

export interface RunnerDeps {
  classifier: Classifier;
  flowSet: FlowSet;
  /** The survey texts (flows/surveys.yaml); null or absent: no surveys, as on a server without the file. */
  surveys?: SurveyTexts | null;
  /** A fresh shop for one conversation. */
  openShop(options: { seedDir?: string; clock: Date }): Promise<ShopHandle>;
  /** Channel adapters by id, for conversations that run through a channel other than `web` (the CLI passes src/channels'). */
  channels?: Partial<Record<ChannelId, ConversationChannel>>;
}

/** One turn's replies as a channel shows them (issue 15). */
export interface ChannelView {
  /** Every text shown, all parts of a split answer included, joined by new lines. */
  text: string;
  /** The quick replies the parts offered (the last part's, and choices shown page by page): their label as shown, their payload, and what tapping sends. */
  quickReplies: { label: string; payload: string; sends: string }[];
  /** What the channel would refuse (a response outside its format); each one fails the turn. */
  problems: string[];
}

/** A channel adapter as conversation tests drive it: the dialog never knows which channel it serves. */
export interface ConversationChannel {
  /** `messages`: the flow set's messages file, for what the channel says itself. */
  show(replies: readonly BotReply[], locale: Locale, messages: MessagesSpec): ChannelView;
  /** The input the channel hands the dialog when the shopper sends `text` (typed, or a tapped quick reply's) with `view` on screen. */
  read(text: string, view: ChannelView | null): DialogInput;
}

export interface Mismatch {
  what: string;
  expected: string;
  actual: string;
}

export interface TranscriptLine {
  from: 'shopper' | 'bot';
  text: string;
}

export interface ConversationResult {
  file: string;
  name: string;
  /** The channel it ran through. */
  channel: ChannelId;
  locale: Locale;
  turns: number;
  /** The first turn that did not meet its expectations (1-based), with what differed. */
  failure: { turn: number; mismatches: Mismatch[] } | null;
  transcript: TranscriptLine[];
  /** The largest dialog state after a turn, in bytes of JSON: what the server stores every turn. */
  maxStateBytes: number;
}

export interface LoadedConversation {
  file: string;
  spec: ConversationSpec;
}

/** Reads every *.yaml under dir; YAML and format problems come back with file:line:column. */
export async function loadConversations(dir: string): Promise<{ conversations: LoadedConversation[]; problems: FlowProblem[] }> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const conversations: LoadedConversation[] = [];
  const problems: FlowProblem[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const parsed = SourceFile.parse(file, await readFile(file, 'utf8'));
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    const result = ConversationFileSchema.safeParse(parsed.source.data());
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        problems.push(parsed.source.problem(path, `${issue.message} (at ${path.join('.') || 'top level'})`));
      }
      continue;
    }
    const { defaults = {}, conversations: list } = result.data;
    for (const spec of list) conversations.push({ file, spec: { ...defaults, ...spec } });
  }
  return { conversations, problems };
}

export async function runConversation(conversation: LoadedConversation, deps: RunnerDeps, channelId: ChannelId = 'web'): Promise<ConversationResult> {
  const { spec, file } = conversation;
  const channel = channelId === 'web' ? null : deps.channels?.[channelId];
  if (channel === undefined) throw new Error(`no adapter for the ${channelId} channel was given to the conversation runner`);
  let view: ChannelView | null = null;
  const locale = spec.locale ?? 'ko';
  const now = new Date(spec.clock ?? DEFAULT_CLOCK);
  const shop = await deps.openShop({ ...(spec.shop?.seed ? { seedDir: spec.shop.seed } : {}), clock: now });
  const commerce = spec.shop?.unavailable ? withOutage(shop.port, spec.shop.unavailable) : shop.port;
  const engine = createDialogEngine(deps.flowSet, spec.handoff_threshold === undefined ? {} : { handoffThreshold: spec.handoff_threshold });
  const transcript: TranscriptLine[] = [];
  let state: DialogState = engine.initialState(locale);
  let maxStateBytes = 0;
  // What the server keeps beside the dialog state: the survey state, the answers stored, the transcript.
  const surveys = deps.surveys ? { texts: deps.surveys, settings: surveySettingsSchema.parse(spec.surveys?.settings ?? {}) } : null;
  let survey: StoredSurveyState | undefined;
  const stored: SurveyRecord[] = [];
  const history: HistoryLine[] = [];
  let ids = 0;
  const cases = casesOf(spec);
  const facts = {
    npsDue: async (customerId: string, since: Date) => {
      const last = spec.surveys?.last_nps;
      if (last && Date.parse(last) >= since.getTime()) return false;
      return !stored.some((r) => r.kind === 'nps' && r.customerId === customerId && Date.parse(r.at) >= since.getTime());
    },
    history: async () => history,
  };
  const finish = (failure: ConversationResult['failure']): ConversationResult => ({
    file,
    name: spec.name,
    channel: channelId,
    locale,
    turns: spec.turns.length,
    failure,
    transcript,
    maxStateBytes,
  });
  try {
    for (const [i, turn] of spec.turns.entries()) {
      const input = channel ? throughChannel(channel, turn, view) : toInput(turn);
      transcript.push({ from: 'shopper', text: describeInput(turn) });
      // The server's turn (src/conversation/bot-turn.ts), always within business hours.
      const result = await runBotTurn(
        { classifier: deps.classifier, dialog: engine, surveys },
        { dialogState: state, survey, input, now, customerId: spec.customer ?? null, sessionId: 'conversation-test', ports: { commerce, cases, facts }, newId: () => `survey-${++ids}` },
      );
      const { nlu } = result;
      // The server stores the state as JSON between turns: so do the tests.
      const json = JSON.stringify(result.state);
      maxStateBytes = Math.max(maxStateBytes, Buffer.byteLength(json));
      state = JSON.parse(json) as DialogState;
      survey = result.survey === undefined ? undefined : (toJson(result.survey) as unknown as StoredSurveyState);
      for (const answer of result.answers) {
        const at = stored.findIndex((r) => r.id === answer.id);
        if (at >= 0) stored[at] = answer;
        else stored.push(answer);
      }
      if (input.kind !== 'event') history.push({ from: 'shopper', ...(nlu ? { intent: nlu.intent } : {}) });
      for (const reply of result.replies) history.push({ from: 'bot', flow: reply.meta.flow });
      view = channel ? channel.show(result.replies, state.locale, deps.flowSet.messages) : null;
      if (view) transcript.push({ from: 'bot', text: describeView(view) });
      else for (const reply of result.replies) transcript.push({ from: 'bot', text: describeReply(reply) });
      const mismatches = [
        ...(view?.problems.map((problem) => ({ what: `${channelId} response`, expected: 'valid', actual: problem })) ?? []),
        ...(turn.expect ? check(turn.expect, result, nlu?.intent ?? null, state, view) : []),
      ];
      if (mismatches.length > 0) return finish({ turn: i + 1, mismatches });
    }
  } finally {
    await shop.close();
  }
  return finish(null);
}

function toInput(turn: TurnSpec): DialogInput {
  if (turn.user !== undefined) return { kind: 'text', text: turn.user };
  if (turn.quick_reply !== undefined) return { kind: 'quick_reply', payload: turn.quick_reply };
  return { kind: 'event', name: turn.event ?? '', ...(turn.data ? { data: turn.data } : {}) };
}

/** A typed line as the channel reads it; a tapped quick reply by what the channel sends for it, when it is on screen. */
function throughChannel(channel: ConversationChannel, turn: TurnSpec, view: ChannelView | null): DialogInput {
  if (turn.user !== undefined) return channel.read(turn.user, view);
  if (turn.quick_reply !== undefined) {
    const wanted = turn.quick_reply;
    const shown = view?.quickReplies.find((q) => q.payload === wanted) ?? view?.quickReplies.find((q) => q.label === wanted || q.sends === wanted);
    // A payload not on screen is what a block button elsewhere (a menu, a card) would send.
    return shown ? channel.read(shown.sends, view) : { kind: 'quick_reply', payload: wanted };
  }
  return toInput(turn);
}

function describeView(view: ChannelView): string {
  const options = view.quickReplies.map((q) => `[${q.label}]`).join(' ');
  return options ? `${view.text}\n${options}` : view.text;
}

function describeInput(turn: TurnSpec): string {
  if (turn.user !== undefined) return turn.user;
  if (turn.quick_reply !== undefined) return `[quick reply: ${turn.quick_reply}]`;
  return `[event: ${turn.event}${turn.data ? ` ${JSON.stringify(turn.data)}` : ''}]`;
}

function describeReply(reply: BotReply): string {
  const options = reply.quickReplies?.map((q) => `[${q.label}]`).join(' ');
  return options ? `${reply.text}\n${options}` : reply.text;
}

function check(expect: Expectation, result: SurveyedTurn, nluIntent: string | null, state: DialogState, view: ChannelView | null = null): Mismatch[] {
  const out: Mismatch[] = [];
  const seen = describeState(state);
  const last = result.replies[result.replies.length - 1];
  // Through a channel, the words and buttons are checked as the shopper sees them there.
  const said = view ? view.text : result.replies.map((r) => r.text).join('\n');
  const compare = (what: string, expected: unknown, actual: unknown) => {
    if (show(expected) !== show(actual)) out.push({ what, expected: show(expected), actual: show(actual) });
  };
  if (expect.intent !== undefined) compare('intent', expect.intent, nluIntent ?? last?.meta.intent ?? null);
  if (expect.flow !== undefined) compare('flow', expect.flow, last?.meta.flow ?? null);
  if (expect.step !== undefined) compare('step', expect.step, seen.step);
  if (expect.locale !== undefined) compare('locale', expect.locale, state.locale);
  if (expect.slots) {
    const filled = Object.fromEntries(
      result.events.flatMap((e) => (e.type === 'slot_filled' ? [[e.slot, e.value] as const] : [])),
    );
    const slots: Record<string, unknown> = { ...filled, ...seen.slots };
    for (const [name, value] of Object.entries(expect.slots)) compare(`slot ${name}`, value, slots[name] ?? null);
  }
  for (const pattern of list(expect.bot)) {
    if (!new RegExp(pattern, 'u').test(said)) out.push({ what: 'bot', expected: `/${pattern}/`, actual: quote(said) });
  }
  for (const pattern of list(expect.not_bot)) {
    if (new RegExp(pattern, 'u').test(said)) out.push({ what: 'bot (must not match)', expected: `not /${pattern}/`, actual: quote(said) });
  }
  if (expect.quick_replies) {
    const offered = view ? view.quickReplies : result.replies.flatMap((r) => r.quickReplies ?? []).map((q) => ({ ...q, sends: q.label }));
    const labels = offered.map((q) => q.label);
    if (expect.quick_replies.length === 0 && offered.length > 0) out.push({ what: 'quick replies', expected: 'none', actual: labels.join(' | ') });
    for (const want of expect.quick_replies) {
      if (!offered.some((q) => q.label === want || q.payload === want || q.sends === want)) {
        out.push({ what: 'quick reply', expected: want, actual: labels.join(' | ') || 'none' });
      }
    }
  }
  if (expect.handoff !== undefined) checkHandoff(expect.handoff, result.events, out);
  if (expect.survey !== undefined) compare('survey', expect.survey, readSurveyState(result.survey)?.stage ?? null);
  if (expect.recorded) checkRecorded(expect.recorded, result.answers, out);
  for (const type of expect.events ?? []) {
    if (!result.events.some((e) => e.type === type)) out.push({ what: 'event', expected: type, actual: result.events.map((e) => e.type).join(', ') || 'none' });
  }
  return out;
}

function checkHandoff(expected: NonNullable<Expectation['handoff']>, events: DialogEvent[], out: Mismatch[]): void {
  const handoff = events.find((e) => e.type === 'handoff_requested');
  const actual = handoff ? `${handoff.reason} (${handoff.priority})` : 'none';
  const ok =
    expected === false
      ? !handoff
      : expected === true
        ? Boolean(handoff)
        : typeof expected === 'string'
          ? handoff?.reason === expected
          : handoff?.reason === expected.reason && (expected.priority === undefined || handoff.priority === expected.priority);
  if (!ok) {
    const want = typeof expected === 'object' ? `${expected.reason}${expected.priority ? ` (${expected.priority})` : ''}` : String(expected);
    out.push({ what: 'handoff', expected: want, actual });
  }
}

function checkRecorded(expected: NonNullable<Expectation['recorded']>, answers: SurveyRecord[], out: Mismatch[]): void {
  const shown = answers.map((a) => `${a.kind} ${a.score ?? 'skipped'}${a.comment ? ` "${a.comment}"` : ''}${a.agentId ? ` agent ${a.agentId}` : ''}`).join(', ') || 'none';
  if (expected.length === 0 && answers.length > 0) out.push({ what: 'recorded', expected: 'none', actual: shown });
  for (const want of expected) {
    const fits = (a: SurveyRecord) =>
      (want.kind === undefined || a.kind === want.kind) &&
      (want.score === undefined || a.score === want.score) &&
      (want.comment === undefined || (a.comment ?? null) === want.comment) &&
      (want.agent === undefined || a.agentId === want.agent) &&
      (want.flow === undefined || a.flow === want.flow) &&
      (want.intent === undefined || a.intent === want.intent);
    if (!answers.some(fits)) out.push({ what: 'recorded', expected: JSON.stringify(want), actual: shown });
  }
}

/** The conversation's own cases: the fixture's, then those its turns open, numbered per day as the store numbers them. */
function casesOf(spec: ConversationSpec): CasesPort {
  const held: CaseInfo[] = [];
  const number = (day: string) => {
    const compact = day.replaceAll('-', '');
    const seq = held.filter((c) => c.number.startsWith(`C-${compact}-`)).length + 1;
    return `C-${compact}-${String(seq).padStart(4, '0')}`;
  };
  for (const given of spec.cases ?? []) {
    held.push({ number: number(given.day), status: given.status, kind: given.kind, orderId: given.order, summary: null, createdAt: `${given.day}T01:00:00.000Z` });
  }
  return {
    async open(input) {
      const opened: CaseInfo = { number: number(input.day), status: 'open', kind: input.kind, orderId: input.orderId, summary: input.summary, createdAt: input.now.toISOString() };
      held.push(opened);
      return opened;
    },
    async list() {
      return [...held].reverse();
    },
  };
}

/** A port whose listed methods fail as an outage would. */
export function withOutage(port: CommercePort, methods: true | PortMethod[]): CommercePort {
  const down = (name: string) => methods === true || (methods as string[]).includes(name);
  const outage = async (): Promise<CommerceResult<never>> => ({ ok: false, error: 'unavailable', message: 'simulated outage' });
  return new Proxy(port, {
    get(target, prop, receiver) {
      return typeof prop === 'string' && down(prop) ? outage : Reflect.get(target, prop, receiver);
    },
  });
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function quote(text: string): string {
  return text === '' ? '(nothing)' : text;
}
