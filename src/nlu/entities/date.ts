// Dates, resolved against the instant the caller passes in (the dialog runtime's clock), in the
// shop's calendar (time zone `timeZone`, Asia/Seoul unless told): "오늘", "내일", "3월 5일",
// "tomorrow", "March 5"; and, from relative-date.ts, "다음 주 화요일", "이번 주말", "3일 뒤",
// "next Tuesday", "in 3 days". The value is always an ISO calendar date, "YYYY-MM-DD".
import type { Entity } from '../types.ts';
import { addDays, calendarDay, checkTimeZone, DEFAULT_TIME_ZONE, isoDate, localDay, type CalendarDay } from './calendar.ts';
import { collect, KOREAN_AFTER, LATIN_AFTER, LATIN_BEFORE, NUMBER_BEFORE } from './match.ts';
import { extractRelativeDates } from './relative-date.ts';

const RELATIVE_DAYS: Record<string, number> = {
  그저께: -2,
  그제: -2,
  어제: -1,
  오늘: 0,
  내일: 1,
  모레: 2,
  내일모레: 2,
  낼모레: 2,
  글피: 3,
  'day before yesterday': -2,
  yesterday: -1,
  today: 0,
  tonight: 0,
  tomorrow: 1,
  'day after tomorrow': 2,
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = String.raw`(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`;

// Colloquial 낼 alone is not read: "배송비 낼 수 있어요" is about paying. 낼모레 is.
const KOREAN_RELATIVE = new RegExp(`(?<![가-힣])(그저께|그제|어제|오늘|내일모레|낼모레|내일|모레|글피)(?=날|${KOREAN_AFTER}|까지|중|중에|쯤|저녁|아침|오후|오전)`, 'gu');
const ENGLISH_RELATIVE = new RegExp(`${LATIN_BEFORE}(?:the\\s+)?(day\\s+before\\s+yesterday|day\\s+after\\s+tomorrow|yesterday|today|tonight|tomorrow)${LATIN_AFTER}`, 'giu');
const KOREAN_CALENDAR = new RegExp(`${NUMBER_BEFORE}(1[0-2]|0?[1-9])\\s*월\\s*(3[01]|[12]\\d|0?[1-9])\\s*일`, 'gu');
const ENGLISH_MONTH_DAY = new RegExp(`${LATIN_BEFORE}${MONTH_NAMES}\\s+(3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?${LATIN_AFTER}`, 'giu');
const ENGLISH_DAY_MONTH = new RegExp(`${LATIN_BEFORE}(3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAMES}${LATIN_AFTER}`, 'giu');

/** A month and day of the current year (the shop's), or undefined for one that does not exist (2월 30일). */
function thisYear(today: CalendarDay, month: number, day: number): string | undefined {
  const date = calendarDay(today.year, month, day);
  return date && isoDate(date);
}

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.toLowerCase().slice(0, 3)) + 1;
}

export function extractDates(text: string, now: Date, timeZone: string = DEFAULT_TIME_ZONE): Entity[] {
  // The shop's day is worked out only for a message that names a date (most do not): Intl's
  // formatToParts costs more than all the patterns together. An unknown zone throws at once all the same.
  checkTimeZone(timeZone);
  let day: CalendarDay | undefined;
  return extractDatesOn(text, () => (day ??= localDay(now, timeZone)));
}

/**
 * The dates in `text`, read against the shop's day that `today` gives; `today` is called only for
 * a text that names a date, so a caller can tell a result that does not depend on the day.
 */
export function extractDatesOn(text: string, today: () => CalendarDay): Entity[] {
  const relative = (m: RegExpMatchArray) => {
    const offset = RELATIVE_DAYS[(m[1] ?? '').toLowerCase().replace(/\s+/g, ' ')];
    return offset === undefined ? undefined : isoDate(addDays(today(), offset));
  };
  return [
    ...collect(text, KOREAN_RELATIVE, 'date', relative),
    ...collect(text, ENGLISH_RELATIVE, 'date', relative),
    ...collect(text, KOREAN_CALENDAR, 'date', (m) => thisYear(today(), Number(m[1]), Number(m[2]))),
    ...collect(text, ENGLISH_MONTH_DAY, 'date', (m) => thisYear(today(), monthNumber(m[1] ?? ''), Number(m[2]))),
    ...collect(text, ENGLISH_DAY_MONTH, 'date', (m) => thisYear(today(), monthNumber(m[2] ?? ''), Number(m[1]))),
    ...extractRelativeDates(text, today),
  ];
}
