// The SLA targets that apply to a conversation: its team's own, where the team sets one for its
// priority, else `desk.sla`'s.
import type { QueueItem } from '../../store/types.ts';
import { type TeamDirectory, teamOf } from '../routing/teams.ts';

export type SlaKind = 'first_response' | 'next_response';

export interface SlaTargets {
  firstResponseMs: { normal: number; high: number };
  nextResponseMs: { normal: number; high: number };
  /** Share of the target at which the item turns amber. */
  warnRatio: number;
}

export type SlaState = 'ok' | 'warning' | 'breached';

/**
 * What the queue list shows of an item's SLA, as of the moment the list was made: a waiting
 * item's first response, an assigned item's next response (the item's status says which).
 */
export interface SlaSummary {
  state: SlaState;
  /** How long the shopper has waited so far, and when the target passes. */
  waitedMs: number;
  dueAt: string;
  targetMs: number;
}

/** The target of `kind` for the item: the one look-up both SLA watches use. */
export function targetFor(kind: SlaKind, item: Pick<QueueItem, 'priority' | 'context'>, targets: SlaTargets, teams?: TeamDirectory): number {
  const teamId = teamOf(item);
  const team = teamId !== null ? teams?.get(teamId) : null;
  const own = kind === 'first_response' ? team?.sla?.firstResponseMs : team?.sla?.nextResponseMs;
  const base = kind === 'first_response' ? targets.firstResponseMs : targets.nextResponseMs;
  return own?.[item.priority] ?? base[item.priority];
}

export function summarise(sinceMs: number, targetMs: number, warnRatio: number, nowMs: number): SlaSummary {
  const waitedMs = Math.max(0, nowMs - sinceMs);
  const state: SlaState = waitedMs >= targetMs ? 'breached' : waitedMs >= targetMs * warnRatio ? 'warning' : 'ok';
  return { state, waitedMs, dueAt: new Date(sinceMs + targetMs).toISOString(), targetMs };
}

/**
 * issue 13: what an SLA timer that fires at `nowMs` does for a wait that began at `sinceMs`. Its
 * first due time is the warning's; it may fire late (a poll, a process start) or early (the wait
 * began again later): `early`, set it for the warning; `warning`, the item turns amber, set it for
 * the target; `breach`, past the target.
 */
export type SlaStep = { step: 'early'; dueAtMs: number } | { step: 'warning'; dueAtMs: number } | { step: 'breach' };

export function slaStep(sinceMs: number, targetMs: number, warnRatio: number, nowMs: number): SlaStep {
  const breachAtMs = sinceMs + targetMs;
  if (nowMs >= breachAtMs) return { step: 'breach' };
  const warnAtMs = sinceMs + targetMs * warnRatio;
  return nowMs >= warnAtMs ? { step: 'warning', dueAtMs: breachAtMs } : { step: 'early', dueAtMs: warnAtMs };
}
