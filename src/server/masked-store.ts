// The one boundary where shopper lines reach the store: resident registration numbers and card
// numbers are masked before a shopper's transcript entry is written (conversation log on disk,
// agent relay, history). The shopper's own screen keeps what they typed; the dialog turn still
// sees the raw text, which is never stored.
import { maskIdAndCardNumbers } from '../privacy/mask.ts';
import type { Store, TranscriptEntry } from '../store/types.ts';

/** `store` with transcript entries (shopper lines, and any reply quoting them) masked on `appendTranscript`, and survey comments on `putSurvey`; every other call passes through. */
export function withMaskedShopperLines(store: Store): Store {
  const maskEntry = (entry: Omit<TranscriptEntry, 'seq'>): Omit<TranscriptEntry, 'seq'> => {
    // Every line is masked, not only the shopper's: a bot reply may quote what the shopper wrote.
    const text = maskIdAndCardNumbers(entry.text);
    return text === entry.text ? entry : { ...entry, text };
  };
  const appendTranscript: Store['appendTranscript'] = (sessionId, entries) => store.appendTranscript(sessionId, entries.map(maskEntry));
  // A survey comment is the shopper's own words too.
  const putSurvey: Store['putSurvey'] = (survey) =>
    store.putSurvey(survey.comment === undefined ? survey : { ...survey, comment: maskIdAndCardNumbers(survey.comment) });
  // Methods are bound once, not on every call: the store is called several times a turn.
  const bound = new Map<PropertyKey, unknown>([
    ['appendTranscript', appendTranscript],
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
