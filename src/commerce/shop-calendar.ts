// The shop's one calendar: what date it is in the shop's time zone (one IANA zone, configured as
// `handoff.businessHours.timeZone`, Asia/Seoul by default). Return windows, refund due dates,
// "today" in flows and business hours all count days here, so "7 days from delivery" means seven
// calendar days where the shop is, whatever time the parcel arrived.

export const DEFAULT_SHOP_TIME_ZONE = 'Asia/Seoul';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ShopCalendar {
  readonly timeZone: string;
  /** The shop's date (YYYY-MM-DD) at this instant. */
  dateOf(instant: Date): string;
  /** Whole calendar days from `from` to `to` in the shop's zone (0 on the same date). */
  daysBetween(from: Date, to: Date): number;
  /** The shop's date (YYYY-MM-DD) `businessDays` working days (Mon-Fri) after `start`. */
  addBusinessDays(start: Date, businessDays: number): string;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const calendars = new Map<string, ShopCalendar>();

/** The calendar of `timeZone`; throws a RangeError for a zone the runtime does not know. */
export function shopCalendar(timeZone: string = DEFAULT_SHOP_TIME_ZONE): ShopCalendar {
  const known = calendars.get(timeZone);
  if (known) return known;
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  // Formatting costs microseconds and a turn asks for "today" at least once: the last minute's
  // answer is kept (zone offsets and local midnight fall on whole minutes since 1972).
  let cachedMinute = Number.NaN;
  let cachedDate = '';
  const dateOf = (instant: Date): string => {
    const minute = Math.floor(instant.getTime() / 60_000);
    if (minute !== cachedMinute) {
      cachedDate = format.format(instant);
      cachedMinute = minute;
    }
    return cachedDate;
  };
  /** Days since 1970-01-01 of the shop's date at this instant. */
  const dayNumber = (instant: Date): number => Math.round(Date.parse(`${dateOf(instant)}T00:00:00Z`) / DAY_MS);
  const calendar: ShopCalendar = {
    timeZone,
    dateOf,
    daysBetween: (from, to) => dayNumber(to) - dayNumber(from),
    addBusinessDays(start, businessDays) {
      let day = dayNumber(start);
      let remaining = businessDays;
      while (remaining > 0) {
        day += 1;
        const weekday = new Date(day * DAY_MS).getUTCDay();
        if (weekday !== 0 && weekday !== 6) remaining -= 1;
      }
      return new Date(day * DAY_MS).toISOString().slice(0, 10);
    },
  };
  calendars.set(timeZone, calendar);
  return calendar;
}
