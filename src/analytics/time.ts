// Shop-local calendar arithmetic for the figures: the day, hour and week of an instant in the
// shop's time zone (config handoff.businessHours.timeZone), and the instant a local day begins.
// Offsets are looked up once per ten minutes of UTC time: every zone changes its offset on such
// a boundary, and a month of facts then costs a few thousand Intl calls, not one per fact.

export interface LocalTime {
  /** YYYY-MM-DD in the shop's zone. */
  day: string;
  /** 0-23 in the shop's zone. */
  hour: number;
}

export class ShopCalendar {
  readonly #parts: Intl.DateTimeFormat;
  readonly #offsets = new Map<string, number>();

  constructor(readonly timeZone: string) {
    this.#parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Minutes the zone is ahead of UTC at `ms`. */
  offsetMinutes(ms: number): number {
    const key = Math.floor(ms / 600_000);
    const cached = this.#offsets.get(String(key));
    if (cached !== undefined) return cached;
    const at = key * 600_000;
    const parts: Record<string, number> = {};
    for (const part of this.#parts.formatToParts(new Date(at))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const local = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
    const offset = Math.round((local - at) / 60_000);
    this.#offsets.set(String(key), offset);
    return offset;
  }

  readonly #byMinute = new Map<string, LocalTime>();

  /** Looked up once per minute of UTC time (offsets are whole minutes). */
  local(iso: string): LocalTime {
    const minute = iso.slice(0, 16);
    const cached = this.#byMinute.get(minute);
    if (cached) return cached;
    const ms = Date.parse(`${minute}:00.000Z`);
    const shifted = new Date(ms + this.offsetMinutes(ms) * 60_000).toISOString();
    const local = { day: shifted.slice(0, 10), hour: Number(shifted.slice(11, 13)) };
    if (this.#byMinute.size > 200_000) this.#byMinute.clear();
    this.#byMinute.set(minute, local);
    return local;
  }

  /** The instant the local day `day` (YYYY-MM-DD) begins, as an ISO string. */
  dayStart(day: string): string {
    const guess = Date.parse(`${day}T00:00:00.000Z`);
    if (Number.isNaN(guess)) throw new RangeError(`not a date: ${JSON.stringify(day)} (use YYYY-MM-DD)`);
    // Two passes settle the offset on either side of a change of offset.
    let ms = guess - this.offsetMinutes(guess) * 60_000;
    ms = guess - this.offsetMinutes(ms) * 60_000;
    return new Date(ms).toISOString();
  }
}

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The Monday (YYYY-MM-DD) of the week holding `day`. */
export function weekOf(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  const back = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - back);
  return date.toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to && days.length < 3700; day = nextDay(day)) days.push(day);
  return days;
}
