import { describe, expect, it } from 'vitest';
import { extractEmails } from '../../src/nlu/entities/email.ts';
import { extractPhones } from '../../src/nlu/entities/phone.ts';
import { maskDeep, maskPii } from '../../src/privacy/mask.ts';

describe('maskPii', () => {
  it.each([
    ['연락처는 010-2841-5732 이에요', '연락처는 [PHONE] 이에요'],
    ['01028415732로 전화 주세요', '[PHONE]로 전화 주세요'],
    ['+82 10 2841 5732', '[PHONE]'],
    ['매장 02-123-4567', '매장 [PHONE]'],
    ['call me at (415) 555-0132', 'call me at [PHONE]'],
    ['메일은 minji.kim@example.com 입니다', '메일은 [EMAIL] 입니다'],
    ['카드 4111 1111 1111 1111 결제가 안 돼요', '카드 [CARD] 결제가 안 돼요'],
    ['card 5500-0000-0000-0004 declined', 'card [CARD] declined'],
    ['주민번호 900101-1234567 알려드려요', '주민번호 [RRN] 알려드려요'],
    ['서울특별시 강남구 테헤란로 152 강남파이낸스센터 12층으로 보내주세요', '[ADDRESS]으로 보내주세요'],
    ['주소 서울 마포구 월드컵북로 396, 101동 1203호', '주소 [ADDRESS]'],
    ['경기도 성남시 분당구 정자동 178-1', '[ADDRESS]'],
    ['ship to 221 Baker Street, Apt 4B please', 'ship to [ADDRESS] please'],
  ])('masks %s', (input, masked) => {
    expect(maskPii(input)).toBe(masked);
  });

  it.each([
    '주문번호 20231105 배송 어디쯤이에요',
    'M으로 2개 바꿔 주세요',
    '키 170에 65키로인데 사이즈 추천해 주세요',
    'tracking number 6543210987654',
    '2025-03-04에 주문했어요',
    'size 250 in black',
  ])('leaves ordinary shop talk alone: %s', (input) => {
    expect(maskPii(input)).toBe(input);
  });

  it('masks every string in nested values', () => {
    expect(maskDeep({ text: 'mail: a.b@c.co', list: ['010-1111-2222', 3], nested: { ok: true } })).toEqual({
      text: 'mail: [EMAIL]',
      list: ['[PHONE]', 3],
      nested: { ok: true },
    });
  });

  it.each([
    // Forms the NLU's phone and e-mail detectors read, and every bare number of a phone's shape.
    ['(02) 123-4567로 전화 주세요', '[PHONE]로 전화 주세요'],
    ['+82-010-1234-5678', '[PHONE]'],
    ['0082 10 1234 5678', '[PHONE]'],
    ['0504 1234 5678', '[PHONE]'],
    ['010.1234.5678', '[PHONE]'],
    ['배송 기사 안심번호 0504-1234-5678', '배송 기사 안심번호 [PHONE]'],
    ['0212345678', '[PHONE]'],
    ['HP01012345678', 'HP[PHONE]'],
    ['대표번호 1588-1234', '대표번호 [PHONE]'],
    ['연락은...minji@example.com으로', '연락은...[EMAIL]으로'],
    ['Kim+shop@Naver.COM 010-1234-5678', '[EMAIL] [PHONE]'],
    ['01012345678@naver.com', '[EMAIL]'],
  ])('masks %s', (input, masked) => {
    expect(maskPii(input)).toBe(masked);
  });

  it.each(['주문번호 2024031587 확인 부탁해요', '0101234567 배송 어디쯤이에요', '3만5천원 결제했어요'])(
    'leaves what is no phone number alone: %s',
    (input) => {
      expect(maskPii(input)).toBe(input);
    },
  );

  it('masks every phone number and e-mail address the NLU reads as an entity', () => {
    const texts = ['연락처 0212345678이고 메일은 a.b@c.co.kr', '+82 10-1234-5678 or kim@x.com', '010 1234 5678로 주세요', 'phone: 0311234567'];
    for (const text of texts) {
      const masked = maskPii(text);
      for (const entity of [...extractPhones(text), ...extractEmails(text)]) expect(masked).not.toContain(entity.text);
      expect(masked).not.toMatch(/\d{4}/);
    }
  });
});
