// Dates said relative to today: weekdays of a named week, weekends, and offsets in days, weeks
// or months. Resolved against the shop's calendar day (calendar.ts), to ISO "YYYY-MM-DD".
//
// Rules (the week starts on Monday and ends on Sunday, in both languages):
// - 이번 주 X / this X: X of the current week, even if it has passed ("이번 주 월요일에 주문했어요"
//   on a Wednesday is two days ago). 다음 주 X / next X: X of the following week; 다다음 주 X: the
//   week after; 지난주·저번 주 X / last X: X of the previous week ("next Tuesday" said on a Monday
//   is eight days away, "last Monday" said on a Wednesday nine days ago).
// - this coming X / 오는 X: the first X after today; this past X / 지난·저번 X (without 주): the last
//   X before today (never today itself). 이번 X (without 주) is 이번 주 X.
// - 이번 주말 / this weekend: the Saturday of the current week. That is the coming Saturday, today
//   on a Saturday, and yesterday on a Sunday (the weekend under way). 다음 주말 / next weekend: the
//   Saturday after that (seven days later); 지난 주말 / last weekend: seven days earlier. "this
//   coming weekend" and "this past weekend" are the first Saturday after / last one before today.
// - N일 뒤·후 / in N days / N days from now: today + N (not after a negation: "hasn't moved in 3
//   days"); N일 전 / N days ago: today - N. Weeks are seven days; months are calendar months, the
//   day clamped to the month's end (1월 31일 + 한 달 = 2월 28일). Korean native counts (하루, 이틀,
//   사흘 ... 열흘, 보름) and 일주일 are read too.
// Deliberately not read: a weekday or 주말 on its own ("화요일에", "on Friday", "주말에"): without a
// week, the tense decides whether it is past or coming, and a wrong date is worse than none.
// Nor a week or month on its own (다음 주, next month), which is a range, nor "within 3 days" / "3일
// 안에" (a deadline), nor an offset from another event ("주문하고 3일 뒤" is read as three days from today).
import type { Entity } from '../types.ts';
import { addDays, addMonths, isoDate, mondayOf, weekdayIndex, type CalendarDay } from './calendar.ts';
import { collect, KOREAN_AFTER, LATIN_AFTER, LATIN_BEFORE } from './match.ts';

/** What may follow a Korean date word: a particle, or a time of that day. */
const KOREAN_DATE_AFTER = `(?=날|${KOREAN_AFTER}|까지|중|쯤|저녁|아침|오후|오전|밤|낮|부터|이나|이면|엔)`;

const KOREAN_WEEKDAYS: Record<string, number> = { 월: 0, 화: 1, 수: 2, 목: 3, 금: 4, 토: 5, 일: 6 };
const KOREAN_WEEKS: Record<string, number> = { 이번: 0, 금: 0, 다음: 1, 담: 1, 차: 1, 다다음: 2, 지난: -1, 저번: -1 };

// 다음 주 화요일, 다음주화요일, 이번 주의 금요일, 담주 월요일, 다음 주말, 이번주말, 다음 주 주말; and a
// weekday after 이번 / 지난 / 저번 / 오는 without 주: 이번 금요일 (this week's), 지난 금요일 (the last
// one before today), 오는 금요일 (the first one after today). 금·차·담 count only joined to 주
// (금주, 차주, 담주): "차 주말에 써요" is about a car. "다음 금요일" is left alone: next week's, or the coming one?
const KOREAN_WEEKDAY = '([월화수목금토일])(?:요일|욜)';
const KOREAN_WEEK_DAY = new RegExp(
  `(?<![가-힣])(?:(이번|다다음|다음|지난|저번|오는)\\s*|(금|차|담)(?=주))(?:주\\s*(?:의\\s*)?(?:${KOREAN_WEEKDAY}|(주말))|(주말)|${KOREAN_WEEKDAY})${KOREAN_DATE_AFTER}`,
  'gu',
);

// Native Korean counts of days; 일주일 is a week.
const KOREAN_DAY_WORDS: Record<string, number> = { 하루: 1, 이틀: 2, 사흘: 3, 나흘: 4, 닷새: 5, 엿새: 6, 이레: 7, 열흘: 10, 보름: 15 };
const KOREAN_NATIVE: Record<string, number> = { 한: 1, 두: 2, 세: 3, 석: 3, 네: 4 };
const KOREAN_UNIT_DAYS: Record<string, number> = { 일: 1, 주: 7, 주일: 7 };

// 3일 뒤, 3일 후에, 사흘 뒤, 이틀 있다가, 일주일 뒤, 2주 후, 한 달 뒤, 3개월 전. The direction word must end
// the phrase or take a particle: "3일 전화했어요" (called on the 3rd) and "3일 후기" (a review) are not
// dates. "14일 지나면" / "지나서" are left out: they count from an event (delivery), not from today.
const KOREAN_OFFSET = new RegExp(
  String.raw`(?:(?<![\p{N}.,])(\d{1,3})\s*(일|주일|주|개월|달)|(?<![가-힣])(?:(하루|이틀|사흘|나흘|닷새|엿새|이레|열흘|보름)|(일주일|이주일)|(한|두|세|석|네)\s*(주|달)))` +
    String.raw`\s*(뒤|후|있다가|전)(?=$|[^가-힣]|에|엔|면|쯤|까지|부터|이면|인데|이에요|이요|요|이|가|은|는|도|만|로|으로|정도|날)`,
  'gu',
);

const ENGLISH_WEEKDAYS: Record<string, number> = {
  monday: 0,
  tuesday: 1,
  tue: 1,
  tues: 1,
  wednesday: 2,
  wed: 2,
  thursday: 3,
  thu: 3,
  thur: 3,
  thurs: 3,
  friday: 4,
  fri: 4,
  saturday: 5,
  sunday: 6,
};
// "mon", "sat" and "sun" are left out: too often other words.
// An abbreviation may take a full stop; a full name's is the sentence's.
const ENGLISH_DAY = String.raw`(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|tue|wed|thurs|thur|thu|fri)(?:(?<=tues|tue|wed|thurs|thur|thu|fri)\.)?`;
const ENGLISH_WEEKS: Record<string, number> = { this: 0, next: 1, last: -1 };

// next Tuesday, this Friday, last Monday, this coming Friday, this past Monday, Tuesday next week,
// this weekend, next weekend, last weekend.
const ENGLISH_WEEK_DAY = new RegExp(
  `${LATIN_BEFORE}(?:(?:(this\\s+coming|this\\s+past|this|next|last)\\s+(?:${ENGLISH_DAY}|(weekend)))|(?:on\\s+)?${ENGLISH_DAY}\\s+(this|next|last)\\s+week)${LATIN_AFTER}`,
  'giu',
);

const ENGLISH_COUNTS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const ENGLISH_COUNT = String.raw`(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const ENGLISH_UNIT = String.raw`(days?|weeks?|months?)`;
// in 3 days, in a week; 3 days ago, 10 days from now / from today. Not "3 days later": in a story it
// counts from another event ("it arrived 5 days later").
const ENGLISH_OFFSET = new RegExp(
  `${LATIN_BEFORE}(?:in\\s+${ENGLISH_COUNT}\\s+${ENGLISH_UNIT}|${ENGLISH_COUNT}\\s+${ENGLISH_UNIT}\\s+(ago|from\\s+now|from\\s+today))${LATIN_AFTER}`,
  'giu',
);
// After a negation "in 3 days" is a span of time, not a day: "it hasn't moved in 3 days".
const NEGATED_CLAUSE = /(?:n['’]t|\b(?:not|never|hasnt|havent|hadnt|didnt|doesnt|dont|wont|isnt|wasnt|arent|werent|cant|couldnt)\b)[^.!?,;]*$/i;

type Unit = 'day' | 'week' | 'month';

function shifted(today: CalendarDay, count: number, unit: Unit, sign: 1 | -1): string | undefined {
  if (!Number.isFinite(count) || count <= 0) return undefined;
  if (unit === 'month') return isoDate(addMonths(today, sign * count));
  return isoDate(addDays(today, sign * count * (unit === 'week' ? 7 : 1)));
}

/** X of the week `weeks` from the current one (0 = this week), X = 0 (Monday) .. 6 (Sunday). */
function dayOfWeek(today: CalendarDay, weeks: number, weekday: number): string {
  return isoDate(addDays(mondayOf(today), weeks * 7 + weekday));
}

/** The first `weekday` after today (1..7 days on), or the last before it (1..7 days back). */
function nearest(today: CalendarDay, weekday: number, direction: 1 | -1): string {
  const gap = (direction * (weekday - weekdayIndex(today)) + 7) % 7 || 7;
  return isoDate(addDays(today, direction * gap));
}

const SATURDAY = 5;

function koreanWeekDay(m: RegExpMatchArray, today: CalendarDay): string | undefined {
  const cue = m[1] ?? m[2] ?? '';
  if (m[6] !== undefined) {
    // A weekday without 주.
    const weekday = KOREAN_WEEKDAYS[m[6]];
    if (weekday === undefined) return undefined;
    if (cue === '이번') return dayOfWeek(today, 0, weekday);
    if (cue === '지난' || cue === '저번') return nearest(today, weekday, -1);
    return cue === '오는' ? nearest(today, weekday, 1) : undefined;
  }
  const weeks = KOREAN_WEEKS[cue];
  if (weeks === undefined) return undefined;
  const weekday = m[3] === undefined ? SATURDAY : KOREAN_WEEKDAYS[m[3]];
  return weekday === undefined ? undefined : dayOfWeek(today, weeks, weekday);
}

function koreanOffset(m: RegExpMatchArray, today: CalendarDay): string | undefined {
  const sign = m[7] === '전' ? -1 : 1;
  if (m[1] !== undefined) {
    const unit = m[2] ?? '';
    if (unit === '개월' || unit === '달') return shifted(today, Number(m[1]), 'month', sign);
    const days = KOREAN_UNIT_DAYS[unit];
    return days === undefined ? undefined : shifted(today, Number(m[1]) * days, 'day', sign);
  }
  if (m[3] !== undefined) return shifted(today, KOREAN_DAY_WORDS[m[3]] ?? 0, 'day', sign);
  if (m[4] !== undefined) return shifted(today, m[4] === '이주일' ? 2 : 1, 'week', sign);
  const count = KOREAN_NATIVE[m[5] ?? ''] ?? 0;
  return shifted(today, count, m[6] === '달' ? 'month' : 'week', sign);
}

function englishWeekDay(m: RegExpMatchArray, today: CalendarDay): string | undefined {
  const cue = (m[1] ?? m[5] ?? '').toLowerCase().replace(/\s+/g, ' ');
  const weekday = m[3] !== undefined ? SATURDAY : ENGLISH_WEEKDAYS[(m[2] ?? m[4] ?? '').toLowerCase()];
  if (weekday === undefined) return undefined;
  if (cue === 'this coming') return nearest(today, weekday, 1);
  if (cue === 'this past') return nearest(today, weekday, -1);
  const weeks = ENGLISH_WEEKS[cue];
  return weeks === undefined ? undefined : dayOfWeek(today, weeks, weekday);
}

function englishOffset(m: RegExpMatchArray, today: CalendarDay): string | undefined {
  const count = m[1] ?? m[3] ?? '';
  const n = /^\d+$/.test(count) ? Number(count) : ENGLISH_COUNTS[count.toLowerCase()];
  const unit = (m[2] ?? m[4] ?? '').toLowerCase().replace(/s$/, '');
  if (n === undefined || (unit !== 'day' && unit !== 'week' && unit !== 'month')) return undefined;
  return shifted(today, n, unit, (m[5] ?? '').toLowerCase() === 'ago' ? -1 : 1);
}

/**
 * Relative dates in `text`, resolved against the shop's calendar day `today` (or a function that
 * gives it, called only if the text has a date to resolve).
 */
export function extractRelativeDates(text: string, day: CalendarDay | (() => CalendarDay)): Entity[] {
  const today = typeof day === 'function' ? day : () => day;
  // Each pattern needs a word of its own; a plain substring test is cheaper than the pattern.
  return [
    ...(/주|요일|욜/.test(text) ? collect(text, KOREAN_WEEK_DAY, 'date', (m) => koreanWeekDay(m, today())) : []),
    ...(/뒤|후|전|있다가/.test(text) ? collect(text, KOREAN_OFFSET, 'date', (m) => koreanOffset(m, today())) : []),
    ...(/this|next|last/i.test(text) ? collect(text, ENGLISH_WEEK_DAY, 'date', (m) => englishWeekDay(m, today())) : []),
    ...(!/ago|in|from/i.test(text) ? [] : collect(text, ENGLISH_OFFSET, 'date', (m) =>
      m[1] !== undefined && NEGATED_CLAUSE.test(text.slice(Math.max(0, (m.index ?? 0) - 60), m.index)) ? undefined : englishOffset(m, today()),
    )),
  ];
}
