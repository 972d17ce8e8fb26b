// The shop's one calendar: what date it is in the shop's time zone (one IANA zone, configured as
// `handoff.businessHours.timeZone`, Asia/Seoul by default). Return windows, refund due dates,
// "today" in flows and business hours all count days here, so "7 days from delivery" means seven
// calendar days where the shop is, whatever time the parcel arrived. Analytics reads the day and
// hour of months of facts here too (localTime, dayStart).

export const DEFAULT_SHOP_TIME_ZONE = 'Asia/Seoul';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LocalTime {
  /** YYYY-MM-DD in the shop's zone. */
  day: string;
  /** 0-23 in the shop's zone. */
  hour: number;
}

export interface ShopCalendar {
  readonly timeZone: string;
  /** The shop's date (YYYY-MM-DD) at this instant. */
  dateOf(instant: Date): string;
  /** Whole calendar days from `from` to `to` in the shop's zone (0 on the same date). */
  daysBetween(from: Date, to: Date): number;
  /** The shop's date (YYYY-MM-DD) `businessDays` working days (Mon-Fri) after `start`. */
  addBusinessDays(start: Date, businessDays: number): string;
  /** The shop's day and hour at an ISO instant; looked up once per minute of UTC time (offsets are whole minutes). */
  localTime(iso: string): LocalTime;
  /** The instant (ISO) the shop's day `day` (YYYY-MM-DD) begins; a RangeError for a malformed day. */
  dayStart(day: string): string;
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
  const offsets = zoneOffsets(timeZone);
  const byMinute = new Map<string, LocalTime>();
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
    localTime(iso) {
      const minute = iso.slice(0, 16);
      const cached = byMinute.get(minute);
      if (cached) return cached;
      const ms = Date.parse(`${minute}:00.000Z`);
      const shifted = new Date(ms + offsets(ms) * 60_000).toISOString();
      const local = { day: shifted.slice(0, 10), hour: Number(shifted.slice(11, 13)) };
      if (byMinute.size > 200_000) byMinute.clear();
      byMinute.set(minute, local);
      return local;
    },
    dayStart(day) {
      const guess = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : Number.NaN;
      if (Number.isNaN(guess)) throw new RangeError(`not a date: ${JSON.stringify(day)} (use YYYY-MM-DD)`);
      // Two passes settle the offset on either side of a change of offset.
      let ms = guess - offsets(guess) * 60_000;
      ms = guess - offsets(ms) * 60_000;
      return new Date(ms).toISOString();
    },
  };
  calendars.set(timeZone, calendar);
  return calendar;
}

/**
 * Minutes the zone is ahead of UTC at an instant. Looked up once per ten minutes of UTC time:
 * every zone changes its offset on such a boundary, so a month of facts costs a few thousand
 * Intl calls, not one per fact.
 */
function zoneOffsets(timeZone: string): (ms: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const offsets = new Map<number, number>();
  return (ms) => {
    const key = Math.floor(ms / 600_000);
    const cached = offsets.get(key);
    if (cached !== undefined) return cached;
    const at = key * 600_000;
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(at))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const local = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
    const offset = Math.round((local - at) / 60_000);
    offsets.set(key, offset);
    return offset;
  };
}
