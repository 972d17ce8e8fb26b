// The survey state machine and the turn around the dialog, with a fake clock (plain dates passed
// in) and a scripted dialog: every decision without a server, a store or a model.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DialogEngine, DialogEvent, DialogState } from '../../src/dialog/types.ts';
import type { NluResult } from '../../src/nlu/types.ts';
import type { StoredSurveyState } from '../../src/store/types.ts';
import { answerSurvey, mayStart, PAYLOAD_PERSON, PAYLOAD_SKIP, scorePayload, startSurvey, type SurveyContext, type SurveyInput } from '../../src/surveys/machine.ts';
import { loadSurveyTexts, parseSurveyTexts, readSurveyState, surveySettingsSchema, surveyedTurn, SURVEY_EVENT, type SurveyTexts, type SurveyedTurn } from '../../src/surveys/index.ts';
import { readScore } from '../../src/surveys/scores.ts';
import type { SurveyState } from '../../src/surveys/state.ts';

const loaded = await loadSurveyTexts('flows');
if (!loaded.ok || !loaded.texts) throw new Error('flows/surveys.yaml does not load');
const texts: SurveyTexts = loaded.texts;
const settings = surveySettingsSchema.parse({});
const T0 = new Date('2026-11-20T01:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

function ctx(now: Date = T0, overrides: Partial<SurveyContext> = {}): SurveyContext {
  let id = 0;
  return {
    settings,
    texts,
    now,
    newId: () => `v${++id}`,
    conversation: { sessionId: 's1', customerId: 'c1001', locale: 'ko' },
    ...overrides,
  };
}

const about = { trigger: 'goodbye' as const, flow: 'shipping_fee', intent: 'shipping.fee', agentId: null };
const tap = (payload: string): SurveyInput => ({ kind: 'payload', payload });
const say = (text: string, nlu: { intent: string; score: number } | null = { intent: 'None', score: 0.3 }): SurveyInput => ({ kind: 'text', text, nlu });

describe('survey machine', () => {
  it('asks CSAT with a button per score, best first, and a skip button', () => {
    const step = startSurvey(null, about, false, ctx());
    expect(step.state.stage).toBe('csat');
    expect(step.say[0]?.quickReplies?.map((q) => q.payload)).toEqual([5, 4, 3, 2, 1].map((n) => scorePayload('csat', n)).concat(PAYLOAD_SKIP));
  });

  it('a score, then a comment, stores one answer twice under one id', () => {
    const started = startSurvey(null, about, false, ctx()).state;
    const scored = answerSurvey(started, tap(scorePayload('csat', 4)), ctx(minutes(1)));
    expect(scored.put).toEqual([expect.objectContaining({ kind: 'csat', score: 4, flow: 'shipping_fee', intent: 'shipping.fee', at: minutes(1).toISOString() })]);
    const commented = answerSurvey(scored.state, say('좋았어요'), ctx(minutes(2)));
    expect(commented.put).toEqual([{ ...scored.put[0], comment: '좋았어요' }]);
    expect(commented.state.stage).toBeNull();
  });

  it('re-asks an answer outside the scale once, then records a skip', () => {
    const started = startSurvey(null, about, false, ctx()).state;
    const first = answerSurvey(started, say('6'), ctx());
    expect(first.put).toEqual([]);
    expect(first.say[0]?.text).toBe(texts.csat.reask.ko);
    const second = answerSurvey(first.state, say('9점'), ctx());
    expect(second.put).toEqual([expect.objectContaining({ kind: 'csat', score: null })]);
    expect(second.state.stage).toBeNull();
  });

  it('a detractor is offered a person; yes hands off, with the answers for the agent', () => {
    const started = startSurvey(null, about, true, ctx()).state;
    const low = answerSurvey(started, tap(scorePayload('csat', 2)), ctx());
    expect(low.state.stage).toBe('offer');
    const accepted = answerSurvey(low.state, tap(PAYLOAD_PERSON), ctx());
    expect(accepted.handoff).toBe(true);
    expect(accepted.state.answers).toEqual([expect.objectContaining({ kind: 'csat', score: 2 })]);
  });

  it('a line read as a new request leaves the survey for the dialog, skipping its question', () => {
    const started = startSurvey(null, about, false, ctx()).state;
    const left = answerSurvey(started, say('환불 언제 돼요', { intent: 'refund.status', score: 0.9 }), ctx());
    expect(left.passOn).toBe(true);
    expect(left.put).toEqual([expect.objectContaining({ score: null })]);
    // Another button (a suggestion chip) too.
    const tapped = answerSurvey(started, tap('intent:order.status'), ctx());
    expect(tapped.passOn).toBe(true);
  });

  it('a question left unanswered past expireMinutes is skipped and the input goes on (fake clock)', () => {
    const started = startSurvey(null, about, false, ctx()).state;
    const inTime = answerSurvey(started, tap(scorePayload('csat', 5)), ctx(minutes(30)));
    expect(inTime.passOn).toBe(false);
    const late = answerSurvey(started, tap(scorePayload('csat', 5)), ctx(minutes(31)));
    expect(late.passOn).toBe(true);
    expect(late.put).toEqual([expect.objectContaining({ score: null, at: minutes(31).toISOString() })]);
    // The re-ask restarts the clock.
    const reasked = answerSurvey(started, say('7'), ctx(minutes(20)));
    expect(answerSurvey(reasked.state, say('4'), ctx(minutes(45))).put).toEqual([expect.objectContaining({ score: 4 })]);
  });

  it('NPS follows the CSAT only when due, never after an unhappy CSAT, and is never asked of a guest', () => {
    const due = startSurvey(null, about, true, ctx()).state;
    expect(due.npsDue).toBe(true);
    const afterComment = answerSurvey(answerSurvey(due, tap(scorePayload('csat', 5)), ctx()).state, tap(PAYLOAD_SKIP), ctx());
    expect(afterComment.state.stage).toBe('nps');
    const unhappy = answerSurvey(answerSurvey(due, tap(scorePayload('csat', 1)), ctx()).state, tap('daehwa:survey:no_person'), ctx());
    expect(answerSurvey(unhappy.state, tap(PAYLOAD_SKIP), ctx()).state.stage).toBeNull();
    const guest = startSurvey(null, about, true, ctx(T0, { conversation: { sessionId: 's1', customerId: null, locale: 'en' } }));
    expect(guest.state.npsDue).toBe(false);
    expect(guest.say[0]?.text).toBe(texts.csat.question.en);
  });

  it('the bot asks once a session, after something was resolved, never mid-flow; an agent’s resolution always', () => {
    const done: SurveyState = { ...startSurvey(null, about, false, ctx()).state, stage: null };
    expect(mayStart(null, about, settings, true)).toBe(true);
    expect(mayStart(null, about, settings, false)).toBe(false);
    expect(mayStart(null, { ...about, flow: null }, settings, true)).toBe(false);
    expect(mayStart(done, about, settings, true)).toBe(false);
    expect(mayStart(done, { ...about, trigger: 'agent_resolved', agentId: 'mina' }, settings, false)).toBe(true);
    expect(mayStart(null, about, surveySettingsSchema.parse({ enabled: false }), true)).toBe(false);
    expect(mayStart(null, { ...about, trigger: 'agent_resolved' }, surveySettingsSchema.parse({ agentResolved: false }), true)).toBe(false);
  });

  it('reads the thresholds from the settings', () => {
    const strict = surveySettingsSchema.parse({ csat: { detractorMax: 3 }, nps: { detractorMax: 4 } });
    const c = ctx(T0, { settings: strict });
    expect(answerSurvey(startSurvey(null, about, false, c).state, tap(scorePayload('csat', 3)), c).state.stage).toBe('offer');
    const noComment = ctx(T0, { settings: surveySettingsSchema.parse({ csat: { comment: false } }) });
    expect(answerSurvey(startSurvey(null, about, false, noComment).state, tap(scorePayload('csat', 4)), noComment).state.stage).toBeNull();
  });
});

describe('reading a typed score', () => {
  it.each([
    ['4', 5, 4],
    ['4점이요', 5, 4],
    ['  4 점  ', 5, 4],
    ['★★★★', 5, 4],
    ['다섯', 5, 5],
    ['오점 드릴게요', 5, 5],
    ['만점이요', 5, 5],
    ['10점 만점에 8점', 10, 8],
    ['8/10', 10, 8],
    ["I'd say 9", 10, 9],
    ['eight out of ten', 10, 8],
    ['7', 5, 7],
    ['-1', 5, -1],
  ])('%s on a scale to %i is %i', (text, max, value) => {
    expect(readScore(text, max)).toEqual({ kind: 'score', value });
  });

  it.each(['3 아니면 4', '4.5', 'the first one was better than the second one'])('%s is unclear or no score', (text) => {
    expect(readScore(text, 5).kind).not.toBe('score');
  });

  it.each(['좋았어요', '이 정도면 네', '시점이 애매해요'])('%s has no number', (text) => {
    expect(readScore(text, 5)).toEqual({ kind: 'none' });
  });
});

describe('flows/surveys.yaml problems', () => {
  it('names file, line and column of a missing label and an unknown key', () => {
    const yaml = `buttons:\n  skip: { ko: 건너뛰기, en: Skip }\n  person: { ko: 연결, en: Person }\n  no_person: { ko: 괜찮아요, en: No }\n  extra: { ko: x, en: y }\n`;
    const result = parseSurveyTexts('flows/surveys.yaml', yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({ file: 'flows/surveys.yaml', line: 5, column: 10, message: "unknown key 'extra' (at buttons)" });
    expect(result.problems.some((p) => p.message.includes('csat'))).toBe(true);
  });

  it('a label for a score outside the scale, and a missing one', () => {
    const shipped = readFileSync('flows/surveys.yaml', 'utf8').replace('    1: { ko: ★1 매우 불만족, en: ★1 Very dissatisfied }', '    6: { ko: 여섯, en: six }');
    const result = parseSurveyTexts('flows/surveys.yaml', shipped);
    if (result.ok) throw new Error('expected problems');
    const messages = result.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    const line = shipped.split('\n').findIndex((text) => text.startsWith('    6:')) + 1;
    expect(messages).toContain(`${line}:8 a label is for a score from 1 to 5, not '6' (at csat.labels.6)`);
    expect(messages.some((m) => m.includes('missing the label of score 1 (every score from 1 to 5 has one)'))).toBe(true);
  });
});

// ---------------------------------------------------------------- the turn around the dialog

/** A dialog that completes the flow named by the text ("flow:goodbye"), or asks a question for "ask". */
function scriptedDialog(): DialogEngine {
  return {
    initialState: (locale) => ({ version: 1, locale, flow: null, pending: null, memory: {}, misses: 0 }),
    async turn(state, input) {
      const text = input.kind === 'text' ? input.text : input.kind === 'quick_reply' ? input.payload : input.name;
      const events: DialogEvent[] = [];
      let next: DialogState = { ...state, flow: null };
      if (text.startsWith('flow:')) events.push({ type: 'flow_completed', flow: text.slice(5) });
      if (text === 'ask') {
        next = { ...state, flow: { id: 'order_status', step: 'ask_order', waiting: true, slots: {}, confirmed: [], carried: [], vars: {}, attempts: 0, choices: [] } };
      }
      return { state: next, replies: [{ text: `dialog: ${text}`, meta: { intent: null, score: null, flow: 'x', state: null } }], events };
    },
  };
}

describe('surveyedTurn', () => {
  const dialog = scriptedDialog();
  const history = [
    { from: 'shopper' as const, intent: 'shipping.fee' },
    { from: 'bot' as const, flow: 'shipping_fee' },
  ];
  let npsAsked = 0;
  const facts = {
    npsDue: async () => {
      npsAsked += 1;
      return true;
    },
    history: async () => history,
  };
  const nlu = (intent: string, score = 0.9): NluResult => ({ text: '', locale: 'ko', intent: intent as NluResult['intent'], score, entities: [], alternatives: [] });

  async function turn(text: string, survey?: StoredSurveyState, options: { nlu?: NluResult | null; customerId?: string | null; event?: Record<string, unknown> } = {}): Promise<SurveyedTurn> {
    let id = 0;
    return surveyedTurn({
      dialog,
      surveys: { texts, settings },
      dialogState: dialog.initialState('ko'),
      survey,
      input: options.event ? { kind: 'event', name: SURVEY_EVENT, data: options.event } : { kind: 'text', text },
      nlu: options.nlu ?? null,
      ctx: { now: T0, customerId: options.customerId === undefined ? 'c1001' : options.customerId, commerce: {} as never },
      sessionId: 's1',
      facts,
      newId: () => `v${++id}`,
    });
  }

  it('an ordinary turn is the dialog’s alone: no look-ups, the survey state passed through as it was', async () => {
    npsAsked = 0;
    const survey = { version: 1 as const, stage: null, answers: [], attempts: 0, npsDue: false, about: { ...about }, askedAt: null, surveyed: true };
    const result = await turn('hello', survey);
    expect(result.replies.map((r) => r.text)).toEqual(['dialog: hello']);
    expect(result.survey).toBe(survey);
    expect(result.quiet).toBe(false);
    expect(npsAsked).toBe(0);
  });

  it('a goodbye flow asks CSAT after the dialog’s reply; NPS due is looked up then', async () => {
    npsAsked = 0;
    const result = await turn('flow:goodbye');
    expect(result.replies.map((r) => r.meta.flow)).toEqual(['x', 'survey']);
    expect(readSurveyState(result.survey)).toMatchObject({ stage: 'csat', npsDue: true, about: { flow: 'shipping_fee', intent: 'shipping.fee' } });
    expect(npsAsked).toBe(1);
    // A guest is not looked up.
    npsAsked = 0;
    await turn('flow:goodbye', undefined, { customerId: null });
    expect(npsAsked).toBe(0);
  });

  it('another flow’s end starts the quiet period; ignored flows and a flow waiting do not', async () => {
    expect((await turn('flow:shipping_fee')).quiet).toBe(true);
    expect((await turn('flow:thanks')).quiet).toBe(false);
    expect((await turn('ask')).quiet).toBe(false);
  });

  it('the quiet and agent events start a survey; a shopper’s answer goes to it, not to the dialog', async () => {
    const quiet = await turn('', undefined, { event: { trigger: 'quiet' } });
    expect(readSurveyState(quiet.survey)?.stage).toBe('csat');
    const answered = await turn('5점', quiet.survey);
    expect(answered.replies.every((r) => r.meta.flow === 'survey')).toBe(true);
    expect(answered.answers).toEqual([expect.objectContaining({ score: 5, agentId: null })]);
    const agent = await turn('', answered.survey, { event: { trigger: 'agent_resolved', agentId: 'mina' } });
    expect(readSurveyState(agent.survey)).toMatchObject({ stage: 'csat', about: { agentId: 'mina', trigger: 'agent_resolved' } });
    // The goodbye of a session surveyed already asks nothing.
    expect(readSurveyState((await turn('flow:goodbye', agent.survey)).survey)?.stage).toBe('csat');
  });

  it('a detractor accepting a person comes back as a high-priority hand-off with the answers', async () => {
    const started = (await turn('flow:goodbye')).survey;
    const low = await turn('1', started);
    const accepted = await turn('네', low.survey);
    expect(accepted.events).toEqual([{ type: 'handoff_requested', reason: 'survey_detractor', priority: 'high', flow: 'survey', slots: {} }]);
    expect(accepted.handoffContext?.survey).toEqual([expect.objectContaining({ kind: 'csat', score: 1 })]);
  });

  it('a new request during the survey is skipped to and answered by the dialog', async () => {
    const started = (await turn('flow:goodbye')).survey;
    const result = await turn('주문 어디쯤 왔어요', started, { nlu: nlu('order.status') });
    expect(result.replies.map((r) => r.text)).toEqual(['dialog: 주문 어디쯤 왔어요']);
    expect(result.answers).toEqual([expect.objectContaining({ score: null })]);
    expect(readSurveyState(result.survey)?.stage).toBeNull();
  });

  it('a stale survey button does nothing', async () => {
    const result = await surveyedTurn({
      dialog,
      surveys: { texts, settings },
      dialogState: dialog.initialState('ko'),
      survey: undefined,
      input: { kind: 'quick_reply', payload: scorePayload('csat', 5) },
      nlu: null,
      ctx: { now: T0, customerId: null, commerce: {} as never },
      sessionId: 's1',
      facts,
      newId: () => 'v',
    });
    expect(result.replies).toEqual([]);
    expect(result.answers).toEqual([]);
  });
});
