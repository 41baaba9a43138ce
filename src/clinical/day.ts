// The clinical day: one definition of "which calendar day" for every rule and every date on a card.
// A dose at 00:30 in Oslo belongs to that day, not to the UTC day before. The time zone is a
// deployment setting (CDS_TIME_ZONE, default Europe/Oslo), set once at start-up; rules stay pure
// functions of snapshot, clock and this setting.

/** Milliseconds in a day of 24 hours: for durations ("within 14 days"), never for calendar days. */
export const DAY_MS = 86_400_000;

export const DEFAULT_TIME_ZONE = 'Europe/Oslo';

let zone = DEFAULT_TIME_ZONE;
let formatter = formatterFor(zone);

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Sets the clinical time zone (from CDS_TIME_ZONE); throws on an unknown zone. */
export function setClinicalTimeZone(timeZone: string): void {
  formatter = formatterFor(timeZone);
  zone = timeZone;
}

export function clinicalTimeZone(): string {
  return zone;
}

/** The clinical calendar day of an instant, as YYYY-MM-DD (card dates and FHIR `date` values). */
export function clinicalDate(d: Date): string {
  return formatter.format(d);
}

/** The clinical calendar day as a number (days since 1970-01-01), for same-day and day-count comparisons. */
export function clinicalDayNumber(d: Date): number {
  return Math.round(Date.parse(`${clinicalDate(d)}T00:00:00Z`) / DAY_MS);
}

/** Whole clinical calendar days from `earlier` to `later` (negative when `later` is before). */
export function calendarDaysBetween(earlier: Date, later: Date): number {
  return clinicalDayNumber(later) - clinicalDayNumber(earlier);
}

/** The clinical calendar day `days` after the day of `from`, as YYYY-MM-DD. */
export function clinicalDayAfter(from: Date, days: number): string {
  return new Date((clinicalDayNumber(from) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Year, month (1–12) and day of the clinical calendar day of `d`. */
export function clinicalDateParts(d: Date): { year: number; month: number; day: number } {
  const [year, month, day] = clinicalDate(d).split('-').map(Number);
  return { year: year ?? NaN, month: month ?? NaN, day: day ?? NaN };
}
