import { describe, expect, it } from 'vitest';
import { extractAllEntities, extractEntities } from '../../src/nlu/entities/index.ts';
import { extractOrderNumbers } from '../../src/nlu/entities/order-number.ts';
import { extractPhones, findPhoneNumbers, isPhoneNumber } from '../../src/nlu/entities/phone.ts';

const NOW = new Date('2025-03-10T12:00:00+09:00');

function phones(text: string): [string, string][] {
  return extractPhones(text).map((e) => {
    expect(e.type).toBe('phone');
    expect(text.slice(e.start, e.end)).toBe(e.text);
    return [e.value, e.text];
  });
}

describe('Korean phone numbers', () => {
  it.each([
    ['010-1234-5678로 연락 주세요', '01012345678', '010-1234-5678'],
    ['01012345678', '01012345678', '01012345678'],
    ['010 1234 5678', '01012345678', '010 1234 5678'],
    ['010.1234.5678', '01012345678', '010.1234.5678'],
    ['010 - 1234 - 5678', '01012345678', '010 - 1234 - 5678'],
    ['연락처010-2841-5732로 주세요', '01028415732', '010-2841-5732'],
    ['010-1234-5678이에요', '01012345678', '010-1234-5678'],
    ['Tel.010-1234-5678', '01012345678', '010-1234-5678'],
    ['011-123-4567', '0111234567', '011-123-4567'],
    ['016-1234-5678', '01612345678', '016-1234-5678'],
    ['매장 02-123-4567', '021234567', '02-123-4567'],
    ['02-1234-5678', '0212345678', '02-1234-5678'],
    ['(02) 123-4567', '021234567', '(02) 123-4567'],
    ['(031)123-4567', '0311234567', '(031)123-4567'],
    ['051-234-5678', '0512345678', '051-234-5678'],
    ['064 123 4567', '0641234567', '064 123 4567'],
    ['070-1234-5678', '07012345678', '070-1234-5678'],
    ['안심번호 0504-1234-5678', '050412345678', '0504-1234-5678'],
    ['+82 10-1234-5678', '01012345678', '+82 10-1234-5678'],
    ['+82 10 2841 5732', '01028415732', '+82 10 2841 5732'],
    ['+821012345678', '01012345678', '+821012345678'],
    ['+82-010-1234-5678', '01012345678', '+82-010-1234-5678'],
    ['+82 (0)2 123 4567', '021234567', '+82 (0)2 123 4567'],
    ['0082 10 1234 5678', '01012345678', '0082 10 1234 5678'],
    ['my number is +82 10-9876-5432', '01098765432', '+82 10-9876-5432'],
  ])('%s', (text, digits, span) => {
    expect(phones(text)).toEqual([[digits, span]]);
  });

  it('reads a bare landline number after a cue', () => {
    expect(phones('전화 0212345678로 주세요')).toEqual([['0212345678', '0212345678']]);
    expect(phones('연락처는 0312345678이에요')).toEqual([['0312345678', '0312345678']]);
    expect(phones('phone: 0212345678')).toEqual([['0212345678', '0212345678']]);
    expect(phones('call me at 0511234567')).toEqual([['0511234567', '0511234567']]);
  });

  it('reads two numbers in one message', () => {
    expect(phones('010-1111-2222 아니면 02-333-4444')).toEqual([
      ['01011112222', '010-1111-2222'],
      ['023334444', '02-333-4444'],
    ]);
  });
});

describe('what is not a phone number', () => {
  it.each([
    // Order numbers: 8-10 digit runs, even those starting with 0 or 01, without a cue.
    '2938475610',
    '20261107',
    '0212345678',
    '0101234567',
    '0111234567',
    '주문번호 0212345678',
    // Wrong group lengths and unknown prefixes.
    '010-123-4567',
    '02-12-3456',
    '010-1234-56789',
    '015-123-4567',
    '035-123-4567',
    // Representative, free-call and foreign numbers are no shopper's contact.
    '1588-1234',
    '080-123-4567',
    '(415) 555-0132',
    '+1 415 555 0132',
    // Inside longer codes and numbers.
    'A01012345678',
    '1-010-1234-5678',
    '9010-1234-5678',
    '20240311-0042',
    '2025-03-04',
    '4111 1111 1111 1111',
  ])('%s', (text) => {
    expect(phones(text)).toEqual([]);
  });
});

describe('masking mode', () => {
  it('also takes every bare number of a valid shape', () => {
    expect(findPhoneNumbers('0212345678', 'mask').map((p) => p.digits)).toEqual(['0212345678']);
    expect(findPhoneNumbers('0111234567', 'mask').map((p) => p.digits)).toEqual(['0111234567']);
    expect(findPhoneNumbers('0212345678').map((p) => p.digits)).toEqual([]);
    // After letters too, but still not an impossible one nor one inside a longer number.
    expect(findPhoneNumbers('HP01012345678', 'mask').map((p) => p.digits)).toEqual(['01012345678']);
    expect(findPhoneNumbers('HP01012345678')).toEqual([]);
    expect(findPhoneNumbers('0101234567', 'mask')).toEqual([]);
    expect(findPhoneNumbers('9010-1234-5678', 'mask')).toEqual([]);
  });
});

describe('phone numbers and order numbers', () => {
  it('gives one answer to "is this a phone number" for order-number.ts', () => {
    expect(isPhoneNumber('01012345678')).toBe(true);
    expect(isPhoneNumber('010-1234-5678')).toBe(true);
    expect(isPhoneNumber('02-123-4567')).toBe(true);
    expect(isPhoneNumber('0101234567')).toBe(false);
    expect(isPhoneNumber('2938475610')).toBe(false);
    expect(isPhoneNumber('01012345678 02-123-4567')).toBe(false);
  });

  it('does not take a phone number for an order number, nor an order number for a phone', () => {
    expect(extractOrderNumbers('01012345678로 연락 주세요')).toEqual([]);
    expect(extractOrderNumbers('주문번호 010-1234-5678')).toEqual([]);
    const all = (text: string) => extractAllEntities(text, 'ko', NOW).map((e) => [e.type, e.value]);
    expect(all('01012345678로 연락 주세요')).toEqual([['phone', '01012345678']]);
    expect(all('2938475610 배송 어디쯤이에요')).toEqual([['order_number', '2938475610']]);
    expect(all('0111234567 배송 어디쯤이에요')).toEqual([['order_number', '0111234567']]);
    expect(all('주문번호 2024031587, 연락처 0212345678')).toEqual([
      ['order_number', '2024031587'],
      ['phone', '0212345678'],
    ]);
  });

  it('is a contract entity, never an order number as well', () => {
    expect(extractEntities('연락처 0212345678', 'ko', NOW).map((e) => [e.type, e.value])).toEqual([['phone', '0212345678']]);
    expect(extractEntities('+82 10-1234-5678', 'en', NOW).map((e) => [e.type, e.value])).toEqual([['phone', '01012345678']]);
  });
});
