// The one boundary where shopper lines reach the store: resident registration numbers and card
// numbers are masked before anything a shopper typed is written: transcript entries (conversation
// log on disk, agent relay, history), the dialog state of the session record (which quotes the
// sentence that opened a flow) and its survey state (whose answers keep the shopper's comment),
// queue items (the hand-off context's transcript, intents and slots; offline-message tickets;
// notes), what a request/response channel keeps for its shopper (src/channels/: frames waiting for
// their next request, the last answer's quick replies) and, on PostgreSQL, the outbox of frames
// for shopper sockets. The shopper's own screen keeps what they typed; the dialog turn still sees
// the raw text, which is never stored.
import { maskIdAndCardNumbers } from '../privacy/mask.ts';
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

/**
 * `value` with RRNs and card numbers masked in every string outside IDENTIFIER_KEYS; the parts
 * where nothing is masked are the same objects, not copies. A turn writes its session record
 * every time, and its dialog state, queue context and frames almost never hold such a number:
 * walking them costs a scan of their strings, no allocation. Plain objects and arrays are
 * walked; other values are kept as they are (as maskStringsDeep does). `daehwa replay` masks a
 * replayed turn's shop calls with it, to compare them with the recorded ones.
 */
export function maskNumbersDeep<T>(value: T): T {
  if (typeof value === 'string') return maskIdAndCardNumbers(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const masked = maskNumbersDeep(item);
      if (masked !== item) (out ??= value.slice())[i] = masked;
    }
    return (out ?? value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let out: Record<string, unknown> | null = null;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key) || IDENTIFIER_KEYS.has(key)) continue;
    const item = record[key];
    const masked = maskNumbersDeep(item);
    if (masked !== item) (out ??= { ...record })[key] = masked;
  }
  return (out ?? value) as T;
}

function maskEntry(entry: Omit<TranscriptEntry, 'seq'>): Omit<TranscriptEntry, 'seq'> {
  // Every line is masked, not only the shopper's: a bot reply may quote what the shopper wrote.
  const text = maskIdAndCardNumbers(entry.text);
  // replay (issue 10): a turn's recorded shop calls quote the shopper too (a search, an address).
  const turn = entry.turn === undefined ? undefined : maskNumbersDeep(entry.turn);
  return text === entry.text && turn === entry.turn ? entry : { ...entry, text, ...(turn !== undefined ? { turn } : {}) };
}

/**
 * The session record as it may be stored: its dialog state (which quotes what the shopper said)
 * and its survey state (whose answers keep the shopper's comment) with RRNs and card numbers
 * masked. The same record when there is nothing to mask.
 */
export function maskedSession(session: SessionRecord): SessionRecord {
  const dialog = maskNumbersDeep(session.dialog);
  const survey = maskNumbersDeep(session.survey);
  if (dialog === session.dialog && survey === session.survey) return session;
  return { ...session, dialog, ...(survey !== undefined ? { survey } : {}) };
}

/** The queue item as it may be stored: context and notes with RRNs and card numbers masked (the same item when there is nothing to mask). */
export function maskedQueueItem(item: QueueItem): QueueItem {
  const context = maskNumbersDeep(item.context);
  let notes = item.notes;
  for (let i = 0; i < item.notes.length; i++) {
    const note = item.notes[i]!;
    const text = maskIdAndCardNumbers(note.text);
    if (text !== note.text) (notes === item.notes ? (notes = item.notes.slice()) : notes)[i] = { ...note, text };
  }
  return context === item.context && notes === item.notes ? item : { ...item, context, notes };
}

/** `store` with every write of shopper text masked (see above); every other call passes through. */
export function withMaskedShopperLines(store: Store): Store {
  const appendTranscript: Store['appendTranscript'] = (sessionId, entries) => store.appendTranscript(sessionId, entries.map(maskEntry));
  const putSession: Store['putSession'] = (session) => store.putSession(maskedSession(session));
  const appendTurn: Store['appendTurn'] = (session, entries) => store.appendTurn(maskedSession(session), entries.map(maskEntry));
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
    ['appendTurn', appendTurn],
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
