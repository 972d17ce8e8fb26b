// Property-based tests of the agent frame parser (src/server/agent-protocol.ts): it never throws;
// anything but JSON text is `invalid_json`, JSON that is not a frame is `invalid_frame` naming the
// field; valid frames of every type round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAgentFrame } from '../../src/server/agent-protocol.ts';
import { MAX_TEXT_LENGTH } from '../../src/server/protocol.ts';

const TYPES = ['auth', 'claim', 'message', 'note', 'resolve', 'hand_back', 'release'] as const;
const ITEM_TYPES = ['claim', 'resolve', 'hand_back', 'release'] as const;

const ref = fc.option(fc.string({ unit: 'binary', maxLength: 64 }), { nil: undefined });
const itemId = fc.string({ unit: 'binary', minLength: 1, maxLength: 100 });
const agentText = fc.string({ unit: 'binary', minLength: 1, maxLength: MAX_TEXT_LENGTH }).filter((t) => t.trim().length > 0);

const withRef = (frame: Record<string, unknown>, r: string | undefined) => (r === undefined ? frame : { ...frame, ref: r });

const validAgentFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ token: fc.string({ minLength: 1, maxLength: 2000 }), ref }).map(({ token, ref: r }) => withRef({ type: 'auth', token }, r)),
  fc.record({ type: fc.constantFrom(...ITEM_TYPES), itemId, ref }).map(({ type, itemId: id, ref: r }) => withRef({ type, itemId: id }, r)),
  fc.record({ type: fc.constantFrom('message', 'note'), itemId, text: agentText, ref }).map(({ type, itemId: id, text, ref: r }) => withRef({ type, itemId: id, text }, r)),
);

/** A valid frame with one field broken, and the field the error must name. */
const brokenAgentFrame = fc.oneof(
  fc.record({ frame: validAgentFrame, field: fc.constant('type'), bad: fc.oneof(fc.string().filter((s) => !(TYPES as readonly string[]).includes(s)), fc.integer(), fc.constant(null)) }),
  fc.record({ frame: validAgentFrame.filter((f) => f.type !== 'auth'), field: fc.constant('itemId'), bad: fc.oneof(fc.constant(''), fc.integer(), fc.string({ minLength: 101, maxLength: 150 })) }),
  fc.record({ frame: validAgentFrame.filter((f) => f.type === 'message' || f.type === 'note'), field: fc.constant('text'), bad: fc.oneof(fc.constantFrom('', '  ', '\n'), fc.constant('x'.repeat(MAX_TEXT_LENGTH + 1)), fc.boolean()) }),
  fc.record({ frame: validAgentFrame.filter((f) => f.type === 'auth'), field: fc.constant('token'), bad: fc.oneof(fc.constant(''), fc.integer(), fc.constant('t'.repeat(2001))) }),
  fc.record({ frame: validAgentFrame, field: fc.constant('ref'), bad: fc.oneof(fc.integer(), fc.string({ minLength: 65, maxLength: 80 }), fc.constant(null)) }),
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('agent frame parser, fuzzed', () => {
  it('never throws: any bytes give a frame or invalid_json / invalid_frame with a short message', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s))),
        fc.boolean(),
        (data, isBinary) => {
          const result = parseAgentFrame(data, isBinary);
          if (result.ok) {
            expect(TYPES).toContain(result.frame.type);
          } else {
            expect(['invalid_json', 'invalid_frame']).toContain(result.code);
            expect(result.message.length).toBeGreaterThan(0);
            expect(result.message.length).toBeLessThan(600);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('binary frames and text that is not JSON are invalid_json', () => {
    fc.assert(
      fc.property(validAgentFrame, fc.string({ maxLength: 40 }), (frame, junk) => {
        const json = JSON.stringify(frame);
        expect(parseAgentFrame(Buffer.from(json), true)).toMatchObject({ ok: false, code: 'invalid_json' });
        const mangled = `${json.slice(0, -1)}${junk}`;
        fc.pre(!isJson(mangled));
        expect(parseAgentFrame(Buffer.from(mangled), false)).toMatchObject({ ok: false, code: 'invalid_json' });
      }),
      { numRuns: 1000 },
    );
  });

  it('a frame with bytes that are not UTF-8 is invalid_json, not a message with U+FFFD in it', () => {
    fc.assert(
      fc.property(validAgentFrame, fc.nat(), fc.constantFrom([0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80]), (frame, at, bad) => {
        const bytes = Buffer.from(JSON.stringify(frame));
        const cut = at % (bytes.length + 1);
        const data = Buffer.concat([bytes.subarray(0, cut), Buffer.from(bad), bytes.subarray(cut)]);
        expect(parseAgentFrame(data, false)).toMatchObject({ ok: false, code: 'invalid_json' });
      }),
      { numRuns: 1000 },
    );
  });

  it('JSON that is not an object, or a frame with a broken field, is invalid_frame naming the field', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), (value) => {
        expect(parseAgentFrame(Buffer.from(JSON.stringify(value)), false)).toMatchObject({ ok: false, code: 'invalid_frame' });
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(brokenAgentFrame, ({ frame, field, bad }) => {
        const result = parseAgentFrame(Buffer.from(JSON.stringify({ ...frame, [field]: bad })), false);
        if (result.ok) throw new Error(`accepted ${JSON.stringify({ ...frame, [field]: bad })}`);
        expect(result.code).toBe('invalid_frame');
        expect(result.message).toContain(field);
      }),
      { numRuns: 3000 },
    );
  });

  it('valid frames of every type round-trip', () => {
    fc.assert(
      fc.property(validAgentFrame, (frame) => {
        const result = parseAgentFrame(Buffer.from(JSON.stringify(frame)), false);
        if (!result.ok) throw new Error(`refused ${JSON.stringify(frame)}: ${result.message}`);
        expect(result.frame).toEqual(frame);
      }),
      { numRuns: 3000 },
    );
  });
});
