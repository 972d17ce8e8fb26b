// In-process store for tests and benchmarks: same behaviour as the lowdb store, nothing on disk.
// Values are cloned in and out so that callers never share objects with the store.

import { randomUUID } from 'node:crypto';
import { StoreError, assertStorableId } from './errors.ts';
import { sortOldestFirst } from './order.ts';
import { auditFields, sortCannedReplies, sortSlaBreaches, byFactTime, copyFact, factDay, frozenFact, channelLinkFields, assertStorableShow } from './schemas.ts';
import { claimedItem, type AuditEvent, type QueueItem, type QueueItemStatus, type SessionRecord, type Store, type TranscriptEntry, type AttachmentRecord, type CannedReply, type SlaBreach, type AnalyticsFact, type CaseRecord, type SurveyRecord, type NotificationRecord, type FactDayRecord, type ChannelLinkRecord } from './types.ts';
import { caseDay, caseFields, caseMatches, caseNumber, newCaseRecord, sortCases, sortSurveys, surveyFields, surveyMatches, notificationFields, sortNotifications, caseDeletion, factDeletion, notificationDeletion, surveyDeletion } from './records.ts';
import { DayClaims, KeptWindows } from './fact-days.ts';

export function createMemoryStore(): Store {
  const sessions = new Map<string, SessionRecord>();
  const sessionIdByTokenHash = new Map<string, string>();
  const transcripts = new Map<string, TranscriptEntry[]>();
  const queue = new Map<string, QueueItem>();
  const audit: AuditEvent[] = [];
  // desk (issue 14)
  const cannedReplies = new Map<string, CannedReply>();
  const attachments = new Map<string, AttachmentRecord>();
  const breaches = new Map<string, SlaBreach>();
  // analytics facts (issue 12): filed by UTC day, so a range reads only its days.
  const factsByDay = new Map<string, AnalyticsFact[]>();
  // and their daily aggregates, dropped by any change inside their window
  const keptDays = new KeptWindows<FactDayRecord>();
  const dayClaims = new DayClaims();
  const factsChanged = (ats: string[]): void => {
    dayClaims.void(ats);
    keptDays.void(ats);
  };
  const surveys = new Map<string, SurveyRecord>();
  const cases = new Map<string, CaseRecord>();
  const caseIdByNumber = new Map<string, string>();
  /** The last case number given out per day (YYYYMMDD). */
  const casesPerDay = new Map<string, number>();
  const notifications = new Map<string, NotificationRecord>();
  /** channels (issue 15): links by session id. */
  const channelLinks = new Map<string, ChannelLinkRecord>();
  /** proactive caps (issue 13): show times by shopper, oldest first. */
  const proactiveShown = new Map<string, string[]>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreError('closed', 'the memory store was used after close()');
  };

  return {
    async getSession(id) {
      ensureOpen();
      const session = sessions.get(id);
      return session ? structuredClone(session) : null;
    },

    async findSessionByTokenHash(tokenHash) {
      ensureOpen();
      const id = sessionIdByTokenHash.get(tokenHash);
      const session = id === undefined ? undefined : sessions.get(id);
      return session ? structuredClone(session) : null;
    },

    async putSession(session) {
      ensureOpen();
      assertStorableId('session', session.id);
      const previous = sessions.get(session.id);
      if (previous && previous.tokenHash !== session.tokenHash) sessionIdByTokenHash.delete(previous.tokenHash);
      sessions.set(session.id, structuredClone(session));
      sessionIdByTokenHash.set(session.tokenHash, session.id);
      if (!transcripts.has(session.id)) transcripts.set(session.id, []);
    },

    async listSessions(filter) {
      ensureOpen();
      return [...sessions.values()]
        .filter((session) => filter?.status === undefined || session.status === filter.status)
        .map((session) => structuredClone(session));
    },

    async appendTranscript(sessionId, entries) {
      ensureOpen();
      const transcript = transcripts.get(sessionId);
      if (!transcript) {
        throw new StoreError('session_not_found', `cannot append to the transcript of unknown session ${sessionId}`);
      }
      const stored = entries.map((entry, index) => ({ ...structuredClone(entry), seq: transcript.length + index + 1 }));
      transcript.push(...stored);
      return structuredClone(stored);
    },

    async appendTurn(session, entries) {
      ensureOpen();
      if (!transcripts.has(session.id)) throw new StoreError('session_not_found', `cannot store a turn of unknown session ${session.id}`);
      const stored = entries.length > 0 ? await this.appendTranscript(session.id, entries) : [];
      await this.putSession(session);
      return stored;
    },

    async getTranscript(sessionId) {
      ensureOpen();
      return structuredClone(transcripts.get(sessionId) ?? []);
    },

    async putQueueItem(item) {
      ensureOpen();
      assertStorableId('queue item', item.id);
      queue.set(item.id, structuredClone(item));
    },

    async claimQueueItem(id, agentId, at) {
      ensureOpen();
      // Checked and written in one synchronous step: no other call can come between.
      const item = queue.get(id);
      if (!item || item.status !== 'waiting') return { claimed: false, item: item ? structuredClone(item) : null };
      const claimed = claimedItem(item, agentId, at);
      queue.set(id, structuredClone(claimed));
      return { claimed: true, item: claimed };
    },

    async getQueueItem(id) {
      ensureOpen();
      const item = queue.get(id);
      return item ? structuredClone(item) : null;
    },

    async listQueue(statuses?: QueueItemStatus[]) {
      ensureOpen();
      return sortOldestFirst([...queue.values()].filter((item) => statuses === undefined || statuses.includes(item.status))).map(
        (item) => structuredClone(item),
      );
    },

    // ---- privacy (issue 18) ----
    async appendAudit(event) {
      ensureOpen();
      const stored: AuditEvent = { seq: audit.length + 1, ...auditFields(event) };
      audit.push(stored);
      return structuredClone(stored);
    },

    async listAudit(query) {
      ensureOpen();
      const after = query?.after ?? 0;
      const found = audit.filter((event) => event.seq > after);
      return structuredClone(query?.limit === undefined ? found : found.slice(0, query.limit));
    },

    async deleteSession(id) {
      ensureOpen();
      const session = sessions.get(id);
      if (!session) return false;
      sessions.delete(id);
      sessionIdByTokenHash.delete(session.tokenHash);
      transcripts.delete(id);
      channelLinks.delete(id);
      return true;
    },

    async deleteQueueItem(id) {
      ensureOpen();
      return queue.delete(id);
    },
    // ---- end privacy ----
    // ---- desk (issue 14): canned replies, attachments ----
    async putCannedReply(reply) {
      ensureOpen();
      assertStorableId('canned reply', reply.id);
      cannedReplies.set(reply.id, structuredClone(reply));
    },

    async listCannedReplies() {
      ensureOpen();
      return sortCannedReplies([...cannedReplies.values()].map((reply) => structuredClone(reply)));
    },

    async deleteCannedReply(id) {
      ensureOpen();
      return cannedReplies.delete(id);
    },

    async recordSlaBreach(breach) {
      ensureOpen();
      breaches.set(breach.id, structuredClone(breach));
    },

    async listSlaBreaches() {
      ensureOpen();
      return sortSlaBreaches([...breaches.values()].map((breach) => structuredClone(breach)));
    },

    async putAttachment(record) {
      ensureOpen();
      assertStorableId('attachment', record.id);
      attachments.set(record.id, structuredClone(record));
    },

    async getAttachment(id) {
      ensureOpen();
      const record = attachments.get(id);
      return record ? structuredClone(record) : null;
    },
    // ---- analytics facts (issue 12) ----
    async appendFacts(facts) {
      ensureOpen();
      for (const fact of facts) {
        const day = factDay(fact.at);
        let list = factsByDay.get(day);
        if (!list) factsByDay.set(day, (list = []));
        list.push(frozenFact(copyFact(fact)));
      }
      factsChanged(facts.map((fact) => fact.at));
    },

    async listFacts(range) {
      ensureOpen();
      const found: AnalyticsFact[] = [];
      const sessions = range.sessionIds ? new Set(range.sessionIds) : null;
      for (const day of [...factsByDay.keys()].sort()) {
        if (day < factDay(range.from) || day > factDay(range.to)) continue;
        const list = factsByDay.get(day) ?? [];
        for (const fact of list) if (fact.at >= range.from && fact.at < range.to && (sessions === null || sessions.has(fact.sessionId))) found.push(fact);
      }
      return byFactTime(found);
    },

    async listFactDays(days) {
      ensureOpen();
      return keptDays.inRange(days).map((record) => structuredClone(record));
    },

    async claimFactDays(windows) {
      ensureOpen();
      return dayClaims.claim(windows);
    },

    async putFactDays(claim, records) {
      ensureOpen();
      const kept: string[] = [];
      for (const record of records) {
        if (!dayClaims.take(claim, record.day)) continue;
        keptDays.set(structuredClone(record));
        kept.push(record.day);
      }
      return kept;
    },

    async deleteFacts(scope) {
      ensureOpen();
      const goes = factDeletion(scope);
      const removed: string[] = [];
      for (const [day, list] of factsByDay) {
        const kept: AnalyticsFact[] = [];
        for (const fact of list) {
          if (goes(fact)) removed.push(fact.at);
          else kept.push(fact);
        }
        if (kept.length === 0) factsByDay.delete(day);
        else if (kept.length < list.length) factsByDay.set(day, kept);
      }
      factsChanged(removed);
      return removed.length;
    },
    // ---- end analytics facts ----

    async putSurvey(survey) {
      ensureOpen();
      assertStorableId('survey', survey.id);
      surveys.set(survey.id, structuredClone(surveyFields(survey)));
    },

    async listSurveys(filter) {
      ensureOpen();
      return sortSurveys([...surveys.values()].filter((record) => surveyMatches(record, filter)).map((record) => structuredClone(record)));
    },

    async createCase(input) {
      ensureOpen();
      // Numbered and stored in one synchronous step: two cases opened at once get two numbers.
      const probe = caseNumber(input.day, 1);
      const day = caseDay(probe);
      const seq = (casesPerDay.get(day) ?? 0) + 1;
      casesPerDay.set(day, seq);
      const record = newCaseRecord(input, randomUUID(), caseNumber(input.day, seq));
      cases.set(record.id, record);
      caseIdByNumber.set(record.number, record.id);
      return structuredClone(record);
    },

    async putCase(record) {
      ensureOpen();
      assertStorableId('case', record.id);
      cases.set(record.id, structuredClone(caseFields(record)));
      caseIdByNumber.set(record.number, record.id);
    },

    async getCase(number) {
      ensureOpen();
      const id = caseIdByNumber.get(number);
      const record = id === undefined ? undefined : cases.get(id);
      return record ? structuredClone(record) : null;
    },

    async listCases(filter) {
      ensureOpen();
      return sortCases([...cases.values()].filter((record) => caseMatches(record, filter)).map((record) => structuredClone(record)));
    },

    async addNotification(notification) {
      ensureOpen();
      if (notifications.has(notification.id)) return false;
      notifications.set(notification.id, notificationFields(notification));
      return true;
    },

    async listNotifications(filter) {
      ensureOpen();
      const found = [...notifications.values()].filter((n) => n.customerId === filter.customerId && (!filter.pending || n.deliveredAt === null));
      return sortNotifications(found.map((n) => structuredClone(n)));
    },

    async markNotificationDelivered(id, sessionId, at) {
      ensureOpen();
      const notification = notifications.get(id);
      if (!notification || notification.deliveredAt !== null) return false;
      notifications.set(id, { ...notification, deliveredAt: at, sessionId });
      return true;
    },

    // ---- channels (issue 15) ----
    async putChannelLink(link) {
      ensureOpen();
      assertStorableId('session', link.sessionId);
      if (!sessions.has(link.sessionId)) throw new StoreError('session_not_found', `cannot keep a channel link for unknown session ${link.sessionId}`);
      channelLinks.set(link.sessionId, channelLinkFields(link));
    },

    async getChannelLink(sessionId) {
      ensureOpen();
      const link = channelLinks.get(sessionId);
      return link ? channelLinkFields(link) : null;
    },

    async deleteChannelLink(sessionId) {
      ensureOpen();
      return channelLinks.delete(sessionId);
    },

    async deleteChannelLinksBefore(before) {
      ensureOpen();
      let removed = 0;
      for (const [id, link] of channelLinks) {
        if (link.updatedAt < before && channelLinks.delete(id)) removed += 1;
      }
      return removed;
    },
    // ---- end channels ----
    // ---- proactive caps (issue 13) ----
    async recordProactiveShown(shopper, at) {
      ensureOpen();
      assertStorableShow(shopper, at);
      proactiveShown.set(shopper, [...(proactiveShown.get(shopper) ?? []), at].sort());
    },

    async listProactiveShown(shopper, since) {
      ensureOpen();
      return (proactiveShown.get(shopper) ?? []).filter((at) => at >= since);
    },

    async deleteProactiveShown(scope) {
      ensureOpen();
      let removed = 0;
      if ('shoppers' in scope) {
        for (const shopper of scope.shoppers) {
          removed += proactiveShown.get(shopper)?.length ?? 0;
          proactiveShown.delete(shopper);
        }
        return removed;
      }
      for (const [shopper, times] of proactiveShown) {
        const kept = times.filter((at) => at >= scope.before);
        removed += times.length - kept.length;
        if (kept.length === 0) proactiveShown.delete(shopper);
        else proactiveShown.set(shopper, kept);
      }
      return removed;
    },
    // ---- end proactive caps ----
    // ---- privacy of survey answers, cases and notifications (issue 12) ----
    async deleteSurveys(scope) {
      ensureOpen();
      return deleteWhere(surveys, surveyDeletion(scope));
    },

    async deleteCases(scope) {
      ensureOpen();
      const removed = deleteWhere(cases, caseDeletion(scope));
      // The numbers handed out stay counted (casesPerDay): a number is never given twice.
      for (const [number, id] of [...caseIdByNumber]) if (!cases.has(id)) caseIdByNumber.delete(number);
      return removed;
    },

    async deleteNotifications(scope) {
      ensureOpen();
      return deleteWhere(notifications, notificationDeletion(scope));
    },
    // ---- end privacy ----

    async flush() {
      ensureOpen();
    },

    async close() {
      closed = true;
    },
  };
}

function deleteWhere<T>(records: Map<string, T>, goes: (record: T) => boolean): number {
  let removed = 0;
  for (const [id, record] of records) {
    if (!goes(record)) continue;
    records.delete(id);
    removed++;
  }
  return removed;
}
