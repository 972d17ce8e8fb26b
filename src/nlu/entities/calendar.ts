// Calendar days in the shop's time zone. Dates are read against the instant the caller passes
// in (the dialog runtime's clock), but "오늘" is the shop's today, not the server's: a Seoul shop
// running on a UTC server must not answer "내일" at 08:00 KST with today's date.

export const DEFAULT_TIME_ZONE = 'Asia/Seoul';

/** A calendar day; `month` is 1-12. Arithmetic is done on UTC midnights, so no zone rules apply. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // Throws a RangeError for a zone the runtime does not know.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Throws a RangeError for a time zone the runtime does not know. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** The calendar day it is at `instant` in `timeZone`. */
export function localDay(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): CalendarDay {
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return { year, month, day };
}

function fromUtc(date: Date): CalendarDay {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function utc(day: CalendarDay): Date {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day));
  // Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(day.year);
  return date;
}

export function addDays(day: CalendarDay, days: number): CalendarDay {
  const date = utc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

/** Whole months later (or earlier), the day clamped to the target month's last: 1월 31일 + 1 month = 2월 28일. */
export function addMonths(day: CalendarDay, months: number): CalendarDay {
  const index = day.year * 12 + (day.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(day.day, last) };
}

/** 0 = Monday ... 6 = Sunday: the week starts on Monday, as Korean calendars print it. */
export function weekdayIndex(day: CalendarDay): number {
  return (utc(day).getUTCDay() + 6) % 7;
}

/** The Monday of the week `day` is in. */
export function mondayOf(day: CalendarDay): CalendarDay {
  return addDays(day, -weekdayIndex(day));
}

/** A calendar day, or undefined for one that does not exist (2월 30일). */
export function calendarDay(year: number, month: number, day: number): CalendarDay | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last ? { year, month, day } : undefined;
}

export function isoDate(day: CalendarDay): string {
  return `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}
