// What every store does alike with survey answers and complaint cases: which ones a filter keeps,
// in what order they are listed, the fields a record is stored with, and how a case is numbered.
import { StoreError } from './errors.ts';
import type { AnalyticsFact, CaseFilter, CaseRecord, FactDeletion, NewCase, NotificationRecord, RecordDeletion, SurveyFilter, SurveyRecord } from './types.ts';

export function surveyMatches(record: SurveyRecord, filter: SurveyFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.from !== undefined && record.at < filter.from) return false;
  if (filter.to !== undefined && record.at >= filter.to) return false;
  if (filter.customerId !== undefined && record.customerId !== filter.customerId) return false;
  if (filter.sessionId !== undefined && record.sessionId !== filter.sessionId) return false;
  return true;
}

/** By time of the answer; the id breaks ties so that every store lists them alike. */
export function sortSurveys(records: SurveyRecord[]): SurveyRecord[] {
  return records.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/** A survey's own fields only, whatever else the caller's object carries. */
export function surveyFields(record: SurveyRecord): SurveyRecord {
  const stored: SurveyRecord = {
    id: record.id,
    sessionId: record.sessionId,
    customerId: record.customerId,
    kind: record.kind,
    score: record.score,
    locale: record.locale,
    flow: record.flow,
    intent: record.intent,
    agentId: record.agentId,
    at: record.at,
  };
  if (record.comment !== undefined) stored.comment = record.comment;
  return stored;
}

export function caseMatches(record: CaseRecord, filter: CaseFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.customerId !== undefined && record.customerId !== filter.customerId) return false;
  if (filter.sessionId !== undefined && record.sessionId !== filter.sessionId) return false;
  if (filter.queueItemId !== undefined && record.queueItemId !== filter.queueItemId) return false;
  return true;
}

export function sortCases(records: CaseRecord[]): CaseRecord[] {
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.number.localeCompare(b.number));
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `C-20261207-0042`: the day without dashes, and the case's place that day, four digits at least. */
export function caseNumber(day: string, seq: number): string {
  const match = DAY.exec(day);
  if (!match) throw new StoreError('invalid_id', `a case is numbered by its day as YYYY-MM-DD, not ${JSON.stringify(day)}`);
  return `C-${match[1]}${match[2]}${match[3]}-${String(seq).padStart(4, '0')}`;
}

/** The day part of a case number (`20261207`), which the stores count cases by. */
export function caseDay(number: string): string {
  return number.slice(2, 10);
}

/** The sequence part of a case number (42 for `C-20261207-0042`). */
export function caseSeq(number: string): number {
  return Number(number.slice(11));
}

/** The record a new case is stored as. */
export function newCaseRecord(input: NewCase, id: string, number: string): CaseRecord {
  return {
    id,
    number,
    sessionId: input.sessionId,
    customerId: input.customerId,
    kind: input.kind,
    status: 'open',
    orderId: input.orderId,
    summary: input.summary,
    locale: input.locale,
    queueItemId: null,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
  };
}

export function notificationFields(record: NotificationRecord): NotificationRecord {
  return {
    id: record.id,
    customerId: record.customerId,
    kind: record.kind,
    orderId: record.orderId,
    data: structuredClone(record.data),
    createdAt: record.createdAt,
    deliveredAt: record.deliveredAt,
    sessionId: record.sessionId,
  };
}

export function sortNotifications(records: NotificationRecord[]): NotificationRecord[] {
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export function caseFields(record: CaseRecord): CaseRecord {
  return {
    id: record.id,
    number: record.number,
    sessionId: record.sessionId,
    customerId: record.customerId,
    kind: record.kind,
    status: record.status,
    orderId: record.orderId,
    summary: record.summary,
    locale: record.locale,
    queueItemId: record.queueItemId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

// ---- privacy deletions (issue 12, docs/privacy.md): what every store removes alike ----
type Owned = { sessionId: string | null; customerId: string | null };

/** A record a deletion by sessions or customer takes: of one of the sessions, or of the customer. */
function ownedBy(record: Owned, scope: { sessionIds?: readonly string[]; customerId?: string }): boolean {
  if (scope.customerId !== undefined && record.customerId === scope.customerId) return true;
  return record.sessionId !== null && scope.sessionIds !== undefined && scope.sessionIds.includes(record.sessionId);
}

/** The predicate of a RecordDeletion, given the time a record's age is read from. */
function deletionMatcher<T extends Owned>(scope: RecordDeletion, dated: (record: T) => string): (record: T) => boolean {
  if ('before' in scope) return (record) => dated(record) < scope.before;
  const sessions = { ...scope, ...(scope.sessionIds ? { sessionIds: [...new Set(scope.sessionIds)] } : {}) };
  return (record) => ownedBy(record, sessions);
}

/** Survey answers go by their session or customer, or by the time of the answer. */
export const surveyDeletion = (scope: RecordDeletion): ((record: SurveyRecord) => boolean) => deletionMatcher<SurveyRecord>(scope, (record) => record.at);
/** Cases go by their session or customer, or by when they last changed. */
export const caseDeletion = (scope: RecordDeletion): ((record: CaseRecord) => boolean) => deletionMatcher<CaseRecord>(scope, (record) => record.updatedAt);
/** Notifications go by their customer or the session they were told in, or by when the shop reported them. */
export const notificationDeletion = (scope: RecordDeletion): ((record: NotificationRecord) => boolean) =>
  deletionMatcher<NotificationRecord>(scope, (record) => record.createdAt);

/** The predicate of a FactDeletion. */
export function factDeletion(scope: FactDeletion): (fact: AnalyticsFact) => boolean {
  if ('before' in scope) return (fact) => fact.at < scope.before;
  const sessions = new Set(scope.sessionIds);
  return (fact) => sessions.has(fact.sessionId);
}
// ---- end privacy deletions ----
