// Property-based tests of the shopper frame parser (src/server/protocol.ts): whatever bytes come
// in, it returns (never throws) either a frame or one of the documented error codes, with a short
// message; every bad frame gets the code its kind is documented to get; valid frames round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, MAX_TEXT_LENGTH, parseShopperFrame } from '../../src/server/protocol.ts';
import { anyBytes, badFrame, FRAME_TYPES, tooLargeFrame, validFrame } from './shopper-arbitraries.ts';

/** The codes the parser itself gives (the others come from the session: hello_required ...). */
const PARSER_CODES: readonly ErrorCode[] = ['binary_not_supported', 'invalid_utf8', 'invalid_json', 'invalid_frame', 'unknown_type', 'text_too_long', 'frame_too_large'];

describe('shopper frame parser, fuzzed', () => {
  it('never throws: any bytes give a frame of a known type or a documented error with a short message', () => {
    fc.assert(
      fc.property(anyBytes, ({ data, isBinary }) => {
        const result = parseShopperFrame(data, isBinary);
        if (result.ok) {
          expect(FRAME_TYPES).toContain(result.frame.type);
        } else {
          expect(PARSER_CODES).toContain(result.code);
          expect(result.message.length).toBeGreaterThan(0);
          expect(result.message.length).toBeLessThan(600);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every bad frame gets the error code its kind is documented to get', () => {
    fc.assert(
      fc.property(badFrame, (bad) => {
        const result = parseShopperFrame(bad.data, bad.isBinary);
        expect(result.ok ? 'ok' : result.code).toBe(bad.expected);
        if (result.ok) return;
        expect(result.message.length).toBeLessThan(600);
        if (bad.field) expect(result.message).toContain(bad.field);
        if (bad.expected === 'unknown_type') expect(result.message).toContain(String(bad.frame?.type).slice(0, 40));
        if (bad.expected === 'text_too_long') expect(result.message).toContain(`the limit is ${MAX_TEXT_LENGTH}`);
      }),
      { numRuns: 4000 },
    );
  });

  it('frames over 64 KB that are not an over-long text are frame_too_large', () => {
    fc.assert(
      fc.property(tooLargeFrame, (bad) => {
        const result = parseShopperFrame(bad.data, bad.isBinary);
        expect(result.ok ? 'ok' : result.code).toBe('frame_too_large');
      }),
      { numRuns: 100 },
    );
  });

  it('valid frames of every type round-trip: what was sent is what the parser gives back', () => {
    fc.assert(
      fc.property(validFrame, ({ data, frame }) => {
        const result = parseShopperFrame(data, false);
        if (!result.ok) throw new Error(`refused ${data.toString()}: ${result.code} ${result.message}`);
        expect(result.frame).toEqual(JSON.parse(JSON.stringify(frame)));
      }),
      { numRuns: 3000 },
    );
  });

  it('a configured text limit below the protocol maximum is the one enforced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 400 }), (limit, length) => {
        const result = parseShopperFrame(Buffer.from(JSON.stringify({ type: 'message', text: 'x'.repeat(length) })), false, limit);
        const expected = length > limit ? 'text_too_long' : length === 0 ? 'invalid_frame' : 'ok';
        expect(result.ok ? 'ok' : result.code).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
