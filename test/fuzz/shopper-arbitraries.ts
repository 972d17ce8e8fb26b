// Generated shopper frames, each labelled with what the protocol (docs/server.md, "Error codes")
// says the server answers: valid frames of every type, and bad ones of every kind the parser
// names. The labels come from how a frame was built, not from the parser, so the parser test and
// the live-server test can both hold the server to them.
import fc from 'fast-check';
import { LOCALES } from '../../src/nlu/types.ts';
import { MAX_TEXT_LENGTH, MAX_USEFUL_FRAME_BYTES, type ErrorCode } from '../../src/server/protocol.ts';

export const FRAME_TYPES = ['hello', 'message', 'quick_reply', 'event'] as const;

export interface LabelledFrame {
  data: Buffer;
  isBinary: boolean;
  /** The error code the frame must get, or null for a valid frame. */
  expected: ErrorCode | null;
  /** For a valid frame: what the parser must give back. For invalid_frame: the field to blame. */
  frame?: Record<string, unknown>;
  field?: string;
}

const text = (frame: unknown): Buffer => Buffer.from(JSON.stringify(frame), 'utf8');

/** Any string, including lone surrogates and control characters. */
const anyString = (maxLength = 60) => fc.string({ unit: 'binary', maxLength });

/** A JSON value without `__proto__` keys (which zod drops: they cannot round-trip). */
const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));

const message = fc
  .string({ unit: 'binary', minLength: 1, maxLength: MAX_TEXT_LENGTH })
  .filter((t) => t.trim().length > 0)
  .map((t) => ({ type: 'message', text: t }));

const hello = fc
  .record(
    {
      sessionToken: fc.string({ minLength: 1, maxLength: 200 }),
      locale: fc.constantFrom(...LOCALES),
      customerToken: fc.string({ minLength: 1, maxLength: 400 }),
      customerId: fc.string({ minLength: 1, maxLength: 100 }),
    },
    { requiredKeys: [] },
  )
  .map((fields) => ({ type: 'hello', ...fields }));

const quickReply = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).map((payload) => ({ type: 'quick_reply', payload }));

const eventName = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,63}$/);
const event = fc
  .record({ name: eventName, data: fc.dictionary(anyString(20).filter((k) => k !== '__proto__'), json, { maxKeys: 5 }) }, { requiredKeys: ['name'] })
  .map((fields) => ({ type: 'event', ...fields }));

/** A valid frame of any type, as an object. */
export const validFrameObject: fc.Arbitrary<Record<string, unknown>> = fc.oneof(hello, message, quickReply, event);

export const validFrame: fc.Arbitrary<LabelledFrame> = validFrameObject.map((frame) => ({ data: text(frame), isBinary: false, expected: null, frame }));

/** A valid frame with one of its fields replaced by a value of the wrong kind. */
const wrongField: fc.Arbitrary<LabelledFrame> = fc
  .oneof(
    fc.record({ frame: message, field: fc.constant('text'), bad: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.constantFrom('', ' ', '\n\t ')) }),
    fc.record({ frame: quickReply, field: fc.constant('payload'), bad: fc.oneof(fc.integer(), fc.constant(''), fc.string({ minLength: 201, maxLength: 300 })) }),
    fc.record({ frame: hello, field: fc.constant('locale'), bad: fc.oneof(fc.integer(), fc.string().filter((s) => !(LOCALES as readonly string[]).includes(s))) }),
    fc.record({ frame: hello, field: fc.constant('sessionToken'), bad: fc.oneof(fc.constant(''), fc.integer(), fc.string({ minLength: 201, maxLength: 260 })) }),
    fc.record({ frame: event, field: fc.constant('name'), bad: fc.oneof(fc.integer(), fc.string().filter((s) => !/^[a-z][a-z0-9_.-]{0,63}$/.test(s))) }),
    fc.record({ frame: event, field: fc.constant('data'), bad: fc.oneof(fc.integer(), fc.string(), fc.array(json), fc.boolean()) }),
  )
  .map(({ frame, field, bad }) => {
    const broken = { ...frame, [field]: bad };
    return { data: text(broken), isBinary: false, expected: 'invalid_frame' as const, field };
  });

/** Bytes that are not UTF-8: a valid frame with a malformed sequence spliced in. */
const MALFORMED = [[0xff], [0xc0, 0x80], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe]];
const invalidUtf8: fc.Arbitrary<LabelledFrame> = fc
  .record({ frame: validFrameObject, at: fc.nat(), bad: fc.constantFrom(...MALFORMED) })
  .map(({ frame, at, bad }) => {
    const bytes = text(frame);
    const cut = at % (bytes.length + 1);
    return { data: Buffer.concat([bytes.subarray(0, cut), Buffer.from(bad), bytes.subarray(cut)]), isBinary: false, expected: 'invalid_utf8' as const };
  });

const notJson: fc.Arbitrary<LabelledFrame> = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    // Almost JSON: a valid frame cut short, or with a stray character.
    validFrameObject.chain((frame) => {
      const json = JSON.stringify(frame);
      return fc.oneof(
        fc.integer({ min: 1, max: json.length - 1 }).map((n) => json.slice(0, n)),
        fc.constantFrom('}', ',', "'", 'x').map((junk) => `${json}${junk}`),
      );
    }),
  )
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  })
  .map((s) => ({ data: Buffer.from(s, 'utf8'), isBinary: false, expected: 'invalid_json' as const }));

const notObject: fc.Arbitrary<LabelledFrame> = fc
  .oneof(fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), fc.array(validFrameObject, { maxLength: 2 }))
  .map((v) => ({ data: text(v), isBinary: false, expected: 'invalid_frame' as const }));

const noTypeString: fc.Arbitrary<LabelledFrame> = fc
  .record({ rest: fc.dictionary(fc.string().filter((k) => k !== 'type'), json, { maxKeys: 4 }), type: fc.option(fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.constant(null)), { nil: undefined }) })
  .map(({ rest, type }) => ({ data: text(type === undefined ? rest : { ...rest, type }), isBinary: false, expected: 'invalid_frame' as const }));

const unknownType: fc.Arbitrary<LabelledFrame> = fc
  .record({ type: fc.string({ maxLength: 80 }).filter((t) => !(FRAME_TYPES as readonly string[]).includes(t)), text: fc.string({ maxLength: 20 }) })
  .map((frame) => ({ data: text(frame), isBinary: false, expected: 'unknown_type' as const, frame }));

const textTooLong: fc.Arbitrary<LabelledFrame> = fc
  .record({ type: fc.constantFrom(...FRAME_TYPES), extra: fc.integer({ min: 1, max: 300 }), char: fc.constantFrom('a', '가', ' ', '😀'.charAt(0)) })
  .map(({ type, extra, char }) => ({ data: text({ type, text: char.repeat(MAX_TEXT_LENGTH + extra) }), isBinary: false, expected: 'text_too_long' as const }));

/** Over 64 KiB and not an over-long text: a valid frame, junk, bad UTF-8, an unknown type, a list. */
const tooLarge: fc.Arbitrary<LabelledFrame> = fc
  .record({
    extra: fc.integer({ min: 1, max: 2000 }),
    name: eventName,
    kind: fc.constantFrom('event', 'junk', 'utf8', 'unknown', 'list', 'short-text'),
  })
  .map(({ extra, name, kind }) => {
    const pad = 'x'.repeat(MAX_USEFUL_FRAME_BYTES + extra);
    const data = {
      event: () => text({ type: 'event', name, data: { pad } }),
      junk: () => Buffer.from(`{${pad}`),
      utf8: () => Buffer.concat([text({ type: 'message', text: 'hi', pad }), Buffer.from([0xff])]),
      unknown: () => text({ type: name, pad }),
      list: () => text([pad]),
      'short-text': () => text({ type: 'message', text: 'hi', pad }),
    }[kind]();
    return { data, isBinary: false, expected: 'frame_too_large' as const };
  });

const binary: fc.Arbitrary<LabelledFrame> = fc
  .oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), validFrameObject.map(text))
  .map((data) => ({ data, isBinary: true, expected: 'binary_not_supported' as const }));

/** A bad frame of every kind the parser names (frame_too_large aside: large, see tooLargeFrame). */
export const badFrame: fc.Arbitrary<LabelledFrame> = fc.oneof(binary, invalidUtf8, notJson, notObject, noTypeString, unknownType, textTooLong, wrongField);

export const tooLargeFrame = tooLarge;

/** Any frame at all: raw bytes, text or binary. */
export const anyBytes: fc.Arbitrary<{ data: Buffer; isBinary: boolean }> = fc.record({
  data: fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s, 'utf8'))),
  isBinary: fc.boolean(),
});
