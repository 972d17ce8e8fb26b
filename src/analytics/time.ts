// Day arithmetic for the figures on shop-local dates (YYYY-MM-DD). The shop's day and hour of an
// instant come from the shop's one calendar (src/commerce/shop-calendar.ts: localTime, dayStart).

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
