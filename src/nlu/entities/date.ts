// Dates, resolved against the clock the caller passes in (the dialog runtime's clock), in that
// clock's local calendar: "오늘", "내일", "3월 5일", "tomorrow", "March 5".
import type { Entity } from '../types.ts';
import { collect, KOREAN_AFTER, LATIN_AFTER, LATIN_BEFORE, NUMBER_BEFORE } from './match.ts';

const RELATIVE_DAYS: Record<string, number> = {
  그저께: -2,
  그제: -2,
  어제: -1,
  오늘: 0,
  내일: 1,
  모레: 2,
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

const KOREAN_RELATIVE = new RegExp(`(?<![가-힣])(그저께|그제|어제|오늘|내일|모레|글피)(?=날|${KOREAN_AFTER}|까지|중|중에|쯤|저녁|아침|오후|오전)`, 'gu');
const ENGLISH_RELATIVE = new RegExp(`${LATIN_BEFORE}(?:the\\s+)?(day\\s+before\\s+yesterday|day\\s+after\\s+tomorrow|yesterday|today|tonight|tomorrow)${LATIN_AFTER}`, 'giu');
const KOREAN_CALENDAR = new RegExp(`${NUMBER_BEFORE}(1[0-2]|0?[1-9])\\s*월\\s*(3[01]|[12]\\d|0?[1-9])\\s*일`, 'gu');
const ENGLISH_MONTH_DAY = new RegExp(`${LATIN_BEFORE}${MONTH_NAMES}\\s+(3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?${LATIN_AFTER}`, 'giu');
const ENGLISH_DAY_MONTH = new RegExp(`${LATIN_BEFORE}(3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAMES}${LATIN_AFTER}`, 'giu');

function formatDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function isoDate(year: number, monthIndex: number, day: number): string | undefined {
  const date = new Date(year, monthIndex, day);
  // Rejects 2월 30일 rather than rolling over into March.
  if (date.getMonth() !== monthIndex || date.getDate() !== day) return undefined;
  return formatDate(date);
}

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.toLowerCase().slice(0, 3));
}

export function extractDates(text: string, now: Date): Entity[] {
  const relative = (m: RegExpMatchArray) => {
    const offset = RELATIVE_DAYS[(m[1] ?? '').toLowerCase().replace(/\s+/g, ' ')];
    if (offset === undefined) return undefined;
    return formatDate(new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset));
  };
  return [
    ...collect(text, KOREAN_RELATIVE, 'date', relative),
    ...collect(text, ENGLISH_RELATIVE, 'date', relative),
    ...collect(text, KOREAN_CALENDAR, 'date', (m) => isoDate(now.getFullYear(), Number(m[1]) - 1, Number(m[2]))),
    ...collect(text, ENGLISH_MONTH_DAY, 'date', (m) => isoDate(now.getFullYear(), monthIndex(m[1] ?? ''), Number(m[2]))),
    ...collect(text, ENGLISH_DAY_MONTH, 'date', (m) => isoDate(now.getFullYear(), monthIndex(m[2] ?? ''), Number(m[1]))),
  ];
}
