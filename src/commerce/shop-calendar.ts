// Calendar arithmetic the way a Korean shop counts: by dates in Korea (UTC+9, no daylight saving),
// so "7 days from delivery" means seven calendar days in Seoul, whatever time the parcel arrived.

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Days since 1970-01-01 in Korea for this instant. */
function kstDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + KST_OFFSET_MS) / DAY_MS);
}

/** Whole Korean calendar days from `from` to `to` (0 on the same date). */
export function kstDaysBetween(from: Date, to: Date): number {
  return kstDayNumber(to) - kstDayNumber(from);
}

/** The Korean date (YYYY-MM-DD) `businessDays` working days (Mon-Fri) after `start`. */
export function addBusinessDaysKst(start: Date, businessDays: number): string {
  let day = kstDayNumber(start);
  let remaining = businessDays;
  while (remaining > 0) {
    day += 1;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining -= 1;
  }
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
