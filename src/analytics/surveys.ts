// CSAT and NPS figures (docs/analytics.md#csat-and-nps), as pure functions over the survey
// records Store.listSurveys returns (see src/analytics/service.ts for where they come from).
import type { SurveyRecord } from '../store/types.ts';

export type { SurveyRecord };

export type SurveySource = (filter: { from?: string; to?: string }) => Promise<SurveyRecord[]>;

export interface SatisfactionFigure {
  /** Surveys shown (answered and skipped). */
  asked: number;
  answered: number;
  skipped: number;
  /** CSAT: answered with 4 or 5 (of 1-5), percent of answered; NPS: promoters minus detractors, percent points. */
  score: number | null;
  /** Mean of the answered scores. */
  mean: number | null;
}

export interface SatisfactionFigures {
  csat: SatisfactionFigure;
  nps: SatisfactionFigure & { promoters: number; passives: number; detractors: number };
  csatBy: Record<'intent' | 'flow' | 'locale' | 'agent', Record<string, SatisfactionFigure>>;
  npsBy: Record<'intent' | 'flow' | 'locale' | 'agent', Record<string, SatisfactionFigure>>;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

export function csatOf(records: readonly SurveyRecord[]): SatisfactionFigure {
  const asked = records.filter((r) => r.kind === 'csat');
  const answered = asked.map((r) => r.score).filter((s): s is number => s !== null);
  const satisfied = answered.filter((s) => s >= 4).length;
  return {
    asked: asked.length,
    answered: answered.length,
    skipped: asked.length - answered.length,
    score: answered.length ? round1((100 * satisfied) / answered.length) : null,
    mean: answered.length ? Math.round((100 * answered.reduce((a, b) => a + b, 0)) / answered.length) / 100 : null,
  };
}

export function npsOf(records: readonly SurveyRecord[]): SatisfactionFigures['nps'] {
  const asked = records.filter((r) => r.kind === 'nps');
  const answered = asked.map((r) => r.score).filter((s): s is number => s !== null);
  const promoters = answered.filter((s) => s >= 9).length;
  const detractors = answered.filter((s) => s <= 6).length;
  return {
    asked: asked.length,
    answered: answered.length,
    skipped: asked.length - answered.length,
    promoters,
    passives: answered.length - promoters - detractors,
    detractors,
    score: answered.length ? round1((100 * (promoters - detractors)) / answered.length) : null,
    mean: answered.length ? Math.round((100 * answered.reduce((a, b) => a + b, 0)) / answered.length) / 100 : null,
  };
}

const KEYS = {
  intent: (r: SurveyRecord) => r.intent ?? '(none)',
  flow: (r: SurveyRecord) => r.flow ?? '(none)',
  locale: (r: SurveyRecord) => r.locale,
  agent: (r: SurveyRecord) => r.agentId ?? '(bot)',
} as const;

function by(records: readonly SurveyRecord[], of: (records: readonly SurveyRecord[]) => SatisfactionFigure): SatisfactionFigures['csatBy'] {
  const out = { intent: {}, flow: {}, locale: {}, agent: {} } as SatisfactionFigures['csatBy'];
  for (const dimension of Object.keys(KEYS) as (keyof typeof KEYS)[]) {
    const groups = new Map<string, SurveyRecord[]>();
    for (const record of records) {
      const key = KEYS[dimension](record);
      const group = groups.get(key) ?? [];
      group.push(record);
      groups.set(key, group);
    }
    for (const key of [...groups.keys()].sort()) out[dimension][key] = of(groups.get(key) ?? []);
  }
  return out;
}

export function satisfactionFigures(records: readonly SurveyRecord[]): SatisfactionFigures {
  const csats = records.filter((r) => r.kind === 'csat');
  const npss = records.filter((r) => r.kind === 'nps');
  return {
    csat: csatOf(records),
    nps: npsOf(records),
    csatBy: by(csats, csatOf),
    npsBy: by(npss, (group) => {
      const { promoters: _p, passives: _s, detractors: _d, ...figure } = npsOf(group);
      return figure;
    }),
  };
}
