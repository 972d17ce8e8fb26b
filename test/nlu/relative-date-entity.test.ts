import { describe, expect, it } from 'vitest';
import { localDay } from '../../src/nlu/entities/calendar.ts';
import { extractDates } from '../../src/nlu/entities/date.ts';
import { extractEntities } from '../../src/nlu/entities/index.ts';
import { extractRelativeDates } from '../../src/nlu/entities/relative-date.ts';
import type { Locale } from '../../src/nlu/types.ts';

// Fixed instants, never the real clock. Monday 10 March 2025, noon in Seoul: this week is
// Mon 10 .. Sun 16 March, next week Mon 17 .. Sun 23, last week Mon 3 .. Sun 9.
const MONDAY = new Date('2025-03-10T12:00:00+09:00');
const WEDNESDAY = new Date('2025-03-12T12:00:00+09:00');
const SATURDAY = new Date('2025-03-15T12:00:00+09:00');
const SUNDAY = new Date('2025-03-16T12:00:00+09:00');

/** [value, span] of every entity: only dates are expected in these texts. */
function dates(text: string, now: Date = MONDAY, locale: Locale = 'ko'): [string | number, string][] {
  return extractEntities(text, locale, now).map((e) => {
    expect(e.type).toBe('date');
    expect(text.slice(e.start, e.end)).toBe(e.text);
    return [e.value, e.text];
  });
}

function value(text: string, now: Date = MONDAY): string | number | undefined {
  const found = dates(text, now);
  expect(found).toHaveLength(1);
  return found[0]?.[0];
}

describe('Korean weekdays of a named week', () => {
  it.each([
    ['다음 주 화요일에 받을 수 있나요?', '2025-03-18', '다음 주 화요일'],
    ['다음주 화요일까지 와요?', '2025-03-18', '다음주 화요일'],
    ['다음주화요일 가능해요?', '2025-03-18', '다음주화요일'],
    ['담주 월요일에 보내주세요', '2025-03-17', '담주 월요일'],
    ['차주 수요일 출고예요', '2025-03-19', '차주 수요일'],
    ['다다음 주 월요일', '2025-03-24', '다다음 주 월요일'],
    ['이번 주 금요일까지 받아야 돼요', '2025-03-14', '이번 주 금요일'],
    ['이번 주의 금요일', '2025-03-14', '이번 주의 금요일'],
    ['금주 목요일 도착 예정', '2025-03-13', '금주 목요일'],
    ['지난주 화요일에 주문했어요', '2025-03-04', '지난주 화요일'],
    ['저번 주 금요일날 샀어요', '2025-03-07', '저번 주 금요일'],
    ['다음 주 일요일', '2025-03-23', '다음 주 일요일'],
    ['다음 주 금욜에 와요?', '2025-03-21', '다음 주 금욜'],
  ])('%s', (text, iso, span) => {
    expect(dates(text)).toEqual([[iso, span]]);
  });

  it('reads a weekday after 이번, 지난 and 오는 without 주', () => {
    // On Wednesday 12 March.
    expect(value('이번 금요일에 와요?', WEDNESDAY)).toBe('2025-03-14');
    expect(value('지난 금요일에 주문했어요', WEDNESDAY)).toBe('2025-03-07');
    expect(value('지난 월요일에 받았어요', WEDNESDAY)).toBe('2025-03-10');
    expect(value('오는 월요일까지', WEDNESDAY)).toBe('2025-03-17');
    // 오는 / 지난 never mean today.
    expect(value('오는 수요일', WEDNESDAY)).toBe('2025-03-19');
    expect(value('지난 수요일', WEDNESDAY)).toBe('2025-03-05');
  });

  it('keeps the week arithmetic across a year end', () => {
    // Wednesday 31 December 2025: this week is Mon 29 Dec .. Sun 4 Jan.
    const newYearsEve = new Date('2025-12-31T12:00:00+09:00');
    expect(value('다음 주 금요일', newYearsEve)).toBe('2026-01-09');
    expect(value('이번 주 일요일', newYearsEve)).toBe('2026-01-04');
    expect(value('지난주 월요일', newYearsEve)).toBe('2025-12-22');
  });
});

describe('weekends', () => {
  it('takes this weekend as the Saturday of the current week', () => {
    expect(value('이번 주말에 받을 수 있어요?')).toBe('2025-03-15');
    expect(value('이번주말까지')).toBe('2025-03-15');
    expect(value('이번 주말', SATURDAY)).toBe('2025-03-15');
    // On a Sunday the weekend under way: yesterday's Saturday.
    expect(value('이번 주말', SUNDAY)).toBe('2025-03-15');
    expect(dates('this weekend', SUNDAY, 'en')).toEqual([['2025-03-15', 'this weekend']]);
  });
  it('takes next and last weekend a week later and earlier', () => {
    expect(dates('다음주말에 보내 주세요')).toEqual([['2025-03-22', '다음주말']]);
    expect(value('다음 주말')).toBe('2025-03-22');
    expect(value('다음 주 주말')).toBe('2025-03-22');
    expect(value('담주말')).toBe('2025-03-22');
    expect(value('next weekend', SUNDAY)).toBe('2025-03-22');
    expect(value('지난 주말에 주문했는데')).toBe('2025-03-08');
    expect(value('last weekend')).toBe('2025-03-08');
  });
  it('reads this coming / this past weekend as the nearest Saturday on that side', () => {
    expect(value('this coming weekend', SUNDAY)).toBe('2025-03-22');
    expect(value('this past weekend', SUNDAY)).toBe('2025-03-15');
    expect(value('this coming weekend', SATURDAY)).toBe('2025-03-22');
  });
});

describe('offsets', () => {
  it.each([
    ['3일 뒤에 와요?', '2025-03-13', '3일 뒤'],
    ['3일 후', '2025-03-13', '3일 후'],
    ['3일후에 배송', '2025-03-13', '3일후'],
    ['사흘 뒤', '2025-03-13', '사흘 뒤'],
    ['이틀 있다가 와요', '2025-03-12', '이틀 있다가'],
    ['하루 전에 주문했어요', '2025-03-09', '하루 전'],
    ['열흘 뒤', '2025-03-20', '열흘 뒤'],
    ['보름 후에', '2025-03-25', '보름 후'],
    ['일주일 뒤', '2025-03-17', '일주일 뒤'],
    ['일주일 전에 샀어요', '2025-03-03', '일주일 전'],
    ['2주 후', '2025-03-24', '2주 후'],
    ['2주일 뒤', '2025-03-24', '2주일 뒤'],
    ['한 주 뒤', '2025-03-17', '한 주 뒤'],
    ['3일 전에 주문했어요', '2025-03-07', '3일 전'],
    ['한 달 뒤', '2025-04-10', '한 달 뒤'],
    ['3개월 전', '2024-12-10', '3개월 전'],
  ])('%s', (text, iso, span) => {
    expect(dates(text)).toEqual([[iso, span]]);
  });

  it.each([
    ['will it arrive in 3 days?', '2025-03-13', 'in 3 days'],
    ['in a week', '2025-03-17', 'in a week'],
    ['in two weeks', '2025-03-24', 'in two weeks'],
    ['I ordered 3 days ago', '2025-03-07', '3 days ago'],
    ['a day ago', '2025-03-09', 'a day ago'],
    ['two weeks ago', '2025-02-24', 'two weeks ago'],
    ['10 days from now', '2025-03-20', '10 days from now'],
    ['10 days from today', '2025-03-20', '10 days from today'],
    ['a month ago', '2025-02-10', 'a month ago'],
  ])('%s', (text, iso, span) => {
    expect(dates(text, MONDAY, 'en')).toEqual([[iso, span]]);
  });

  it('clamps a month offset to the end of the shorter month', () => {
    expect(value('한 달 뒤', new Date('2025-01-31T12:00:00+09:00'))).toBe('2025-02-28');
    expect(value('in a month', new Date('2024-01-31T12:00:00+09:00'))).toBe('2024-02-29');
    expect(value('1개월 전', new Date('2025-03-31T12:00:00+09:00'))).toBe('2025-02-28');
  });
});

describe('single days (existing words, and 내일모레)', () => {
  it.each([
    ['모레 와요?', '2025-03-12'],
    ['글피까지', '2025-03-13'],
    ['어제 주문했어요', '2025-03-09'],
    ['그저께 받았어요', '2025-03-08'],
    ['그제 받았어요', '2025-03-08'],
    ['내일모레 받을 수 있어요?', '2025-03-12'],
    ['낼모레까지', '2025-03-12'],
  ])('%s', (text, iso) => {
    expect(value(text)).toBe(iso);
  });
  it.each([
    ['the day after tomorrow', '2025-03-12'],
    ['day after tomorrow', '2025-03-12'],
    ['yesterday', '2025-03-09'],
  ])('%s', (text, iso) => {
    expect(dates(text, MONDAY, 'en').map(([v]) => v)).toEqual([iso]);
  });
});

describe('English weekdays', () => {
  it.each([
    ['can it come next Tuesday?', '2025-03-18', 'next Tuesday'],
    ['by this Friday', '2025-03-14', 'this Friday'],
    ['I ordered last Monday', '2025-03-03', 'last Monday'],
    ['next tues', '2025-03-18', 'next tues'],
    ['next Fri.', '2025-03-21', 'next Fri.'],
    ['on Tuesday next week', '2025-03-18', 'on Tuesday next week'],
    ['I placed it last Monday.', '2025-03-03', 'last Monday'],
    ["I want it in 3 days, if it's not too late", '2025-03-13', 'in 3 days'],
    ['Thursday this week', '2025-03-13', 'Thursday this week'],
    ['NEXT SUNDAY', '2025-03-23', 'NEXT SUNDAY'],
  ])('%s', (text, iso, span) => {
    expect(dates(text, MONDAY, 'en')).toEqual([[iso, span]]);
  });
  it('reads this coming / this past X as the nearest one after / before today', () => {
    expect(value('this coming Friday', WEDNESDAY)).toBe('2025-03-14');
    expect(value('this coming Wednesday', WEDNESDAY)).toBe('2025-03-19');
    expect(value('this past Monday', WEDNESDAY)).toBe('2025-03-10');
    // "last Monday" is the previous week's, by the week rule.
    expect(value('last Monday', WEDNESDAY)).toBe('2025-03-03');
  });
});

describe('time zone', () => {
  // 01:00 on Monday in Seoul is still Sunday 16:00 in UTC.
  const EARLY_MONDAY_IN_SEOUL = new Date('2025-03-09T16:00:00Z');

  it('resolves against the shop calendar (Asia/Seoul by default), not the server clock', () => {
    expect(localDay(EARLY_MONDAY_IN_SEOUL)).toEqual({ year: 2025, month: 3, day: 10 });
    expect(value('내일', EARLY_MONDAY_IN_SEOUL)).toBe('2025-03-11');
    expect(value('이번 주말', EARLY_MONDAY_IN_SEOUL)).toBe('2025-03-15');
    expect(value('3월 5일', new Date('2025-12-31T15:30:00Z'))).toBe('2026-03-05');
  });
  it('follows the time zone it is given', () => {
    const utc = (text: string) => extractEntities(text, 'en', EARLY_MONDAY_IN_SEOUL, { timeZone: 'UTC' }).map((e) => e.value);
    expect(utc('tomorrow')).toEqual(['2025-03-10']);
    // Sunday 9 March in UTC: the weekend under way began on the 8th.
    expect(utc('this weekend')).toEqual(['2025-03-08']);
    expect(extractDates('next Tuesday', EARLY_MONDAY_IN_SEOUL, 'America/Los_Angeles').map((e) => e.value)).toEqual(['2025-03-11']);
  });
  it('refuses a time zone it does not know', () => {
    expect(() => extractEntities('내일', 'ko', MONDAY, { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('what is not a date', () => {
  it.each([
    // A weekday or weekend without a week: past or coming depends on the tense.
    '화요일에 받을 수 있나요?',
    '금요일까지 와요?',
    '주말에 주문했어요',
    '다음 금요일에 보내 주세요',
    // A week or a month is a range, not a day.
    '다음 주에 보내 주세요',
    '다음 달에 재입고돼요?',
    // Deadlines and other words.
    '3일 안에 와요?',
    '3일 이내',
    '3일 전화했는데 안 받으셨어요',
    '사용 3일 후기',
    '3일 후기 남겨요',
    '차 주말에 써요',
    '배송비 낼 수 있어요',
    '일주일 정도 걸려요',
    // Counted from an event, not from today.
    '14일 지나면 반품 안 되나요',
    '5일 지나서 받았어요',
  ])('%s', (text) => {
    expect(dates(text)).toEqual([]);
  });
  it.each([
    'on Friday',
    'over the weekend',
    'next week',
    'last week I wrote to you',
    'within 3 days',
    'the next time',
    'I sat down last sat',
    '3 days',
    'in a few days',
    "the tracking page hasn't updated in 3 days",
    'tracking hasnt moved in 5 days',
    'it arrived 5 days later',
  ])('%s', (text) => {
    expect(dates(text, MONDAY, 'en')).toEqual([]);
  });
  it('does not read a date out of a count of days on its own', () => {
    expect(extractRelativeDates('3일 걸려요', localDay(MONDAY))).toEqual([]);
  });
});
