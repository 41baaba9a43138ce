// Calendar arithmetic for rules. Time always comes from the evaluation context (the request clock),
// never from Date.now(), so every rule is deterministic in tests. Calendar days are clinical days
// (src/clinical/day.ts, CDS_TIME_ZONE); the helpers here are durations of 24-hour days.
import { DAY_MS, clinicalDate, clinicalDayNumber } from '../../day.js';

export { DAY_MS };

export function isValidDate(d: Date | undefined): d is Date {
  return d !== undefined && Number.isFinite(d.getTime());
}

/** `days` after (positive) or before (negative) `from`. */
export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

/** Signed difference `later - earlier` in (fractional) days. */
export function daysBetween(earlier: Date, later: Date): number {
  return (later.getTime() - earlier.getTime()) / DAY_MS;
}

/** True when `date` lies no more than `days` before `now` (a future date counts as within). */
export function withinDaysBefore(date: Date, now: Date, days: number): boolean {
  return daysBetween(date, now) <= days;
}

/**
 * The clinical calendar day as a number: same-day and before/after-day comparisons
 * (`clinicalDay(a) < clinicalDay(b)` exactly when `isoDate(a) < isoDate(b)`).
 */
export function clinicalDay(d: Date): number {
  return clinicalDayNumber(d);
}

/** The clinical calendar date (YYYY-MM-DD) for card parameters and FHIR `date` fields. */
export function isoDate(d: Date): string {
  return clinicalDate(d);
}
