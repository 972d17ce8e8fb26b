// The one boundary where shopper lines reach the store: resident registration numbers and card
// numbers are masked before anything a shopper typed is written: transcript entries (conversation
// log on disk, agent relay, history), the dialog state of the session record (which quotes the
// sentence that opened a flow), queue items (the hand-off context's transcript, intents and
// slots; offline-message tickets; notes), what a request/response channel keeps for its shopper
// (src/channels/: frames waiting for their next request, the last answer's quick replies) and, on
// PostgreSQL, the outbox of frames for shopper sockets. The shopper's own screen keeps what they
// typed; the dialog turn still sees the raw text, which is never stored.
import { maskIdAndCardNumbers, maskStringsDeep } from '../privacy/mask.ts';
import type { Coordination, FrameOutbox } from '../store/coordination.ts';
import type { QueueItem, SessionRecord, Store, TranscriptEntry } from '../store/types.ts';

/**
 * Values never masked inside a dialog state or a hand-off context: identifiers and times that a
 * shop's systems hand out (a 16-digit order number passing Luhn is an order number there).
 */
const IDENTIFIER_KEYS: ReadonlySet<string> = new Set([
  'id',
  'sessionId',
  'customerId',
  'orderId',
  'productId',
  'lineId',
  'trackingNumber',
  'placedAt',
  'shippedAt',
  'deliveredAt',
  'expectedDelivery',
  'at',
  'createdAt',
  'updatedAt',
]);

const maskNumbersDeep = <T>(value: T): T => maskStringsDeep(value, maskIdAndCardNumbers, IDENTIFIER_KEYS);

function maskEntry(entry: Omit<TranscriptEntry, 'seq'>): Omit<TranscriptEntry, 'seq'> {
  // Every line is masked, not only the shopper's: a bot reply may quote what the shopper wrote.
  const text = maskIdAndCardNumbers(entry.text);
  return text === entry.text ? entry : { ...entry, text };
}

/** The session record as it may be stored: its dialog state with RRNs and card numbers masked. */
export function maskedSession(session: SessionRecord): SessionRecord {
  return { ...session, dialog: maskNumbersDeep(session.dialog) };
}

/** The queue item as it may be stored: context and notes with RRNs and card numbers masked. */
export function maskedQueueItem(item: QueueItem): QueueItem {
  return { ...item, context: maskNumbersDeep(item.context), notes: item.notes.map((note) => ({ ...note, text: maskIdAndCardNumbers(note.text) })) };
}

/** `store` with every write of shopper text masked (see above); every other call passes through. */
export function withMaskedShopperLines(store: Store): Store {
  const appendTranscript: Store['appendTranscript'] = (sessionId, entries) => store.appendTranscript(sessionId, entries.map(maskEntry));
  const putSession: Store['putSession'] = (session) => store.putSession(maskedSession(session));
  const putQueueItem: Store['putQueueItem'] = (item) => store.putQueueItem(maskedQueueItem(item));
  // A survey comment is the shopper's own words too.
  const putSurvey: Store['putSurvey'] = (survey) =>
    store.putSurvey(survey.comment === undefined ? survey : { ...survey, comment: maskIdAndCardNumbers(survey.comment) });
  // channels (issue 15): the frames kept for a Kakao or webhook shopper, like the outbox's.
  const putChannelLink: Store['putChannelLink'] = (link) =>
    store.putChannelLink({ ...link, mailbox: maskNumbersDeep(link.mailbox), memory: maskNumbersDeep(link.memory) });
  // Methods are bound once, not on every call: the store is called several times a turn.
  const bound = new Map<PropertyKey, unknown>([
    ['putChannelLink', putChannelLink],
    ['appendTranscript', appendTranscript],
    ['putSession', putSession],
    ['putQueueItem', putQueueItem],
    ['putSurvey', putSurvey],
  ]);
  return new Proxy(store, {
    get(target, property, receiver) {
      if (bound.has(property)) return bound.get(property);
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, method);
      return method;
    },
  });
}

/** `coordination` whose outbox stores frames for shopper sockets with RRNs and card numbers masked. */
export function withMaskedOutbox(coordination: Coordination): Coordination {
  const { outbox } = coordination;
  const masked: FrameOutbox = {
    append: (sessionId, frames) => outbox.append(sessionId, frames.map((frame) => maskNumbersDeep(frame))),
    after: (sessionId, seq) => outbox.after(sessionId, seq),
    lastSeq: (sessionId) => outbox.lastSeq(sessionId),
  };
  return {
    get origin() {
      return coordination.origin;
    },
    locks: coordination.locks,
    bus: coordination.bus,
    outbox: masked,
    close: () => coordination.close(),
  };
}
