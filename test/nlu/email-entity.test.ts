import { describe, expect, it } from 'vitest';
import { extractEmails } from '../../src/nlu/entities/email.ts';
import { extractAllEntities, extractEntities } from '../../src/nlu/entities/index.ts';

const NOW = new Date('2025-03-10T12:00:00+09:00');

function emails(text: string): [string, string][] {
  return extractEmails(text).map((e) => {
    expect(e.type).toBe('email');
    expect(text.slice(e.start, e.end)).toBe(e.text);
    return [e.value, e.text];
  });
}

describe('e-mail addresses', () => {
  it.each([
    ['메일은 minji.kim@example.com 입니다', 'minji.kim@example.com', 'minji.kim@example.com'],
    ['minji@example.com으로 보내주세요', 'minji@example.com', 'minji@example.com'],
    ['메일:kim@test.org입니다', 'kim@test.org', 'kim@test.org'],
    ['Kim+shop@Naver.COM', 'kim+shop@naver.com', 'Kim+shop@Naver.COM'],
    ['send it to a_b-c@mail.co.kr.', 'a_b-c@mail.co.kr', 'a_b-c@mail.co.kr'],
    ['(minji@daum.net)', 'minji@daum.net', 'minji@daum.net'],
    ['<JOHN.DOE@Example.Co.UK>', 'john.doe@example.co.uk', 'JOHN.DOE@Example.Co.UK'],
    ['01012345678@naver.com', '01012345678@naver.com', '01012345678@naver.com'],
    ['연락은...minji@example.com', 'minji@example.com', 'minji@example.com'],
    ['user@sub-domain.example.shop', 'user@sub-domain.example.shop', 'user@sub-domain.example.shop'],
  ])('%s', (text, address, span) => {
    expect(emails(text)).toEqual([[address, span]]);
  });

  it('reads each address of a message', () => {
    expect(emails('x@y.co.kr, Z@W.com')).toEqual([
      ['x@y.co.kr', 'x@y.co.kr'],
      ['z@w.com', 'Z@W.com'],
    ]);
  });
});

describe('what is not an e-mail address', () => {
  it.each([
    'me@localhost',
    'a@b.c',
    '@example.com',
    'minji@',
    'a@-b.com',
    'a@b-.com',
    'a@b..com',
    'a@b.com123',
    'foo@bar.com-x',
    'minji at example dot com',
    'minji＠example.com',
    '@민지 님 확인 부탁해요',
    'price@3만원',
  ])('%s', (text) => {
    expect(emails(text)).toEqual([]);
  });
});

describe('e-mail among the other entities', () => {
  it('takes its whole span, a phone number or colour inside it included', () => {
    const all = (text: string) => extractAllEntities(text, 'ko', NOW).map((e) => [e.type, e.value]);
    expect(all('01012345678@naver.com 으로 주세요')).toEqual([['email', '01012345678@naver.com']]);
    expect(all('black.m@shop.com')).toEqual([['email', 'black.m@shop.com']]);
    expect(extractEntities('black.m@shop.com', 'en', NOW).map((e) => [e.type, e.value])).toEqual([['email', 'black.m@shop.com']]);
    expect(all('메일 kim@x.com, 폰 010-1234-5678')).toEqual([
      ['email', 'kim@x.com'],
      ['phone', '01012345678'],
    ]);
  });
});
