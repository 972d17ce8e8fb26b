// toJson walks plain data by hand: it must give exactly what a JSON round trip gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from '../../src/dialog/json.ts';

const roundTrip = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
};

describe('toJson', () => {
  it('gives what a JSON round trip gives, for any plain data', () => {
    const plain = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string(), fc.constant("__proto__")), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(fc.property(plain, (value) => {
        expect(toJson(value)).toStrictEqual(roundTrip(value));
      }), { numRuns: 2000 });
  });

  it('serialises dates, objects with toJSON and class instances as JSON does, and drops functions', () => {
    class Parcel {
      carrier = 'CJ';
      #secret = 'no';
      weigh = () => this.#secret;
    }
    const value = { at: new Date('2026-12-07T01:02:03Z'), own: { toJSON: () => 'mine' }, parcel: new Parcel(), skip: () => 1, list: [() => 1, undefined, Number.NaN] };
    expect(toJson(value)).toStrictEqual(roundTrip(value));
    expect(toJson(value)).toStrictEqual({ at: '2026-12-07T01:02:03.000Z', own: 'mine', parcel: { carrier: 'CJ' }, list: [null, null, null] });
  });

  it('copies: changing the copy leaves the original as it was', () => {
    const original = { slots: { size: 'M' }, list: [{ a: 1 }] };
    const copy = toJson(original) as { slots: { size: string }; list: { a: number }[] };
    copy.slots.size = 'L';
    copy.list[0]!.a = 2;
    expect(original).toEqual({ slots: { size: 'M' }, list: [{ a: 1 }] });
  });

  it('refuses a bigint, as JSON does', () => {
    expect(() => toJson({ n: 1n })).toThrow(TypeError);
  });
});
