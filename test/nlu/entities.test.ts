import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/nlu/entities/index.ts';
import { collect } from '../../src/nlu/entities/match.ts';
import type { EntityType, Locale } from '../../src/nlu/types.ts';

// A fixed instant: Monday 10 March 2025, noon in Seoul (dates are read in the shop's zone, Asia/Seoul).
const NOW = new Date('2025-03-10T12:00:00+09:00');

function found(text: string, locale: Locale = 'ko'): [EntityType, string | number, string][] {
  return extractEntities(text, locale, NOW).map((e) => [e.type, e.value, e.text]);
}

describe('order numbers', () => {
  it('reads a cued code in Korean and English, span without the cue', () => {
    expect(found('주문번호 20240311-0042 배송 언제 와요')).toEqual([['order_number', '20240311-0042', '20240311-0042']]);
    expect(found("order #A12345 hasn't arrived", 'en')).toEqual([['order_number', 'A12345', 'A12345']]);
  });
  it('reads a long bare number but not a phone number or a short one', () => {
    expect(found('2938475610 배송 어디쯤이에요')).toEqual([['order_number', '2938475610', '2938475610']]);
    expect(found('010-1234-5678로 연락 주세요')).toEqual([['phone', '01012345678', '010-1234-5678']]);
    expect(found('1234 언제 와요')).toEqual([]);
  });
  it('reads a number with a Korean particle attached, as in a correction', () => {
    expect(found('20261107이요')).toEqual([['order_number', '20261107', '20261107']]);
    expect(found('아 아니 주문번호 20261107이요')).toEqual([['order_number', '20261107', '20261107']]);
    expect(found('20261115로 바꿔주세요')).toEqual([['order_number', '20261115', '20261115']]);
    expect(found('010-1234-5678이에요')).toEqual([['phone', '01012345678', '010-1234-5678']]);
  });
});

describe('height and weight given as a bare pair', () => {
  it('reads "170에 65요" and "180/75" as height then weight', () => {
    expect(found('170에 65요')).toEqual([
      ['height', 170, '170'],
      ['weight', 65, '65'],
    ]);
    expect(found('180/75')).toEqual([
      ['height', 180, '180'],
      ['weight', 75, '75'],
    ]);
  });
  it('does not read a pair of sizes or an implausible height as body measurements', () => {
    expect(found('170에 65사이즈').map(([type]) => type)).not.toContain('weight');
    expect(found('400에 65요').map(([type]) => type)).not.toContain('height');
  });
});

describe('sizes', () => {
  it('reads letter sizes with particles, cues and capitals', () => {
    expect(found('size M으로 교환해주세요')).toEqual([['size', 'M', 'M']]);
    expect(found('black or navy in XL', 'en')).toContainEqual(['size', 'XL', 'XL']);
    expect(found("it's an L", 'en')).toEqual([['size', 'L', 'L']]);
    expect(found('프리사이즈인가요')).toEqual([['size', 'FREE', '프리사이즈']]);
  });
  it("does not take the s of it's or the m of I'm for a size", () => {
    expect(found("it's fine, I'm ok", 'en')).toEqual([]);
  });
  it("reads Korean women's sizes but not weights or counts", () => {
    expect(found('55 사이즈 주문했는데 66으로 바꿀게요')).toEqual([
      ['size', '55', '55'],
      ['size', '66', '66'],
    ]);
    expect(found('55키로예요').map(([type]) => type)).toEqual(['weight']);
  });
  it('reads shoe sizes in millimetres and converts US sizes', () => {
    expect(found('운동화 240 받았는데 245로 바꾸고 싶어요')).toEqual([
      ['shoe_size', 240, '240'],
      ['shoe_size', 245, '245'],
    ]);
    expect(found('US 9 sneakers', 'en')).toEqual([['shoe_size', 270, 'US 9']]);
    expect(found("women's 7", 'en')).toEqual([['shoe_size', 240, "women's 7"]]);
    expect(found('233 사이즈')).toEqual([]);
  });
  it('reads waist sizes in inches', () => {
    expect(found('청바지 28인치 받았는데 29인치로')).toEqual([
      ['waist', 28, '28인치'],
      ['waist', 29, '29인치'],
    ]);
    expect(found('waist 32 inches', 'en')).toEqual([['waist', 32, 'waist 32 inches']]);
  });
});

describe('height and weight', () => {
  it('reads Korean forms', () => {
    expect(found('키 170에 65키로인데 뭐 입어요')).toEqual([
      ['height', 170, '키 170'],
      ['weight', 65, '65키로'],
    ]);
    expect(found('키가 165cm 몸무게 52')).toEqual([
      ['height', 165, '키가 165cm'],
      ['weight', 52, '몸무게 52'],
    ]);
  });
  it('converts feet, inches and pounds', () => {
    expect(found(`I'm 5'9" and 160 lbs`, 'en')).toEqual([
      ['height', 175, `5'9"`],
      ['weight', 73, '160 lbs'],
    ]);
    expect(found('I weigh 70kg and am 180cm', 'en').map(([t, v]) => [t, v])).toEqual([
      ['weight', 70],
      ['height', 180],
    ]);
  });
});

describe('colours', () => {
  it('normalises Korean and English names', () => {
    expect(found('블랙 말고 아이보리로 교환')).toEqual([
      ['color', 'black', '블랙'],
      ['color', 'ivory', '아이보리'],
    ]);
    expect(found('검정색 있어요? 베이지색도요').map(([, v]) => v)).toEqual(['black', 'beige']);
    expect(found('do you have it in navy or grey', 'en').map(([, v]) => v)).toEqual(['navy', 'gray']);
  });
  it('does not read colours inside other words', () => {
    expect(found('사진 보라고요')).toEqual([]);
    expect(found('I prefer the reddish one... not really', 'en')).toEqual([]);
  });
});

describe('quantities', () => {
  it('reads digits and native Korean numerals with counters', () => {
    expect(found('2개만 주문할게요')).toEqual([['quantity', 2, '2개']]);
    expect(found('한 개만 더 주세요')).toEqual([['quantity', 1, '한 개']]);
    expect(found('두 벌 샀어요')).toEqual([['quantity', 2, '두 벌']]);
    expect(found('하나만 교환할게요')).toEqual([['quantity', 1, '하나']]);
  });
  it('does not read durations or politeness endings as quantities', () => {
    // "3개월 전" is no count of things; with 전 it is a date (relative-date.ts).
    expect(found('3개월 전에 샀어요')).toEqual([['date', '2024-12-10', '3개월 전']]);
    expect(found('3개월 됐어요')).toEqual([]);
    expect(found('확인해 주세요')).toEqual([]);
  });
  it('reads English numbers', () => {
    expect(found('I want two', 'en')).toEqual([['quantity', 2, 'two']]);
    expect(found('3 pairs of socks', 'en')).toEqual([['quantity', 3, '3 pairs']]);
    expect(found('this one please', 'en')).toEqual([]);
  });
});

describe('dates', () => {
  it('resolves Korean relative days and calendar dates against the clock', () => {
    expect(found('내일 도착하나요')).toEqual([['date', '2025-03-11', '내일']]);
    expect(found('어제 주문했어요')).toEqual([['date', '2025-03-09', '어제']]);
    expect(found('모레까지 와요?')).toEqual([['date', '2025-03-12', '모레']]);
    expect(found('3월 5일에 주문했어요')).toEqual([['date', '2025-03-05', '3월 5일']]);
  });
  it('resolves English forms', () => {
    expect(found('will it arrive tomorrow?', 'en')).toEqual([['date', '2025-03-11', 'tomorrow']]);
    expect(found('ordered on March 5', 'en')).toEqual([['date', '2025-03-05', 'March 5']]);
    expect(found('ordered on the 5th of March', 'en').map(([, v]) => v)).toEqual(['2025-03-05']);
  });
  it('rolls over month ends and rejects impossible dates', () => {
    const endOfMonth = new Date('2025-01-31T12:00:00+09:00');
    expect(extractEntities('tomorrow', 'en', endOfMonth).map((e) => e.value)).toEqual(['2025-02-01']);
    expect(found('2월 30일')).toEqual([]);
  });
});

describe('spans', () => {
  it('gives offsets into the original text', () => {
    const text = '안녕하세요, 키 170이에요';
    for (const e of extractEntities(text, 'ko', NOW)) expect(text.slice(e.start, e.end)).toBe(e.text);
  });
});

describe('collect', () => {
  it('finds what matchAll finds, empty matches and characters beyond the BMP included', () => {
    const pattern = /\d*/gu;
    const text = '주문 12 and 😀 345';
    const viaMatchAll = [...text.matchAll(pattern)].map((m) => [m.index, m[0]]);
    expect(collect(text, pattern, 'quantity', (m) => m[0]).map((e) => [e.start, e.text])).toEqual(viaMatchAll);
    // The pattern is left ready for the next text.
    expect(collect('7', pattern, 'quantity', (m) => m[0]).map((e) => e.text)).toEqual(['7', '']);
  });

  it('refuses a pattern that is not global: exec would find its first match forever', () => {
    expect(() => collect('12', /\d+/u, 'quantity', (m) => m[0])).toThrow(TypeError);
  });
});

describe('remembered texts', () => {
  it('reads a date against each day, and gives every caller an array of its own', () => {
    const monday = extractEntities('내일 도착하나요?', 'ko', NOW);
    const tuesday = extractEntities('내일 도착하나요?', 'ko', new Date('2025-03-11T12:00:00+09:00'));
    expect(monday.map((e) => e.value)).toEqual(['2025-03-11']);
    expect(tuesday.map((e) => e.value)).toEqual(['2025-03-12']);
    // "2월 29일" exists only in a leap year: whether it is a date at all depends on the day.
    expect(extractEntities('2월 29일에 받을 수 있어요?', 'ko', NOW)).toEqual([]);
    expect(extractEntities('2월 29일에 받을 수 있어요?', 'ko', new Date('2028-01-10T12:00:00+09:00')).map((e) => e.value)).toEqual(['2028-02-29']);

    const first = extractEntities('M 사이즈 2개요', 'ko', NOW);
    first.pop();
    expect(extractEntities('M 사이즈 2개요', 'ko', NOW)).toHaveLength(2);
    expect(Object.isFrozen(extractEntities('M 사이즈 2개요', 'ko', NOW)[0])).toBe(true);
  });
});
