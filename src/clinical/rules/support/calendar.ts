// Calendar months and years for the follow-up and dosing intervals of this area. The seed counts in
// months («etter 6 måneder», «hver 3. måned», «2 år etter HMAS»), which have no fixed day length, so
// intervals are added on the calendar (UTC) rather than as multiples of days.

/** `months` calendar months after `from`; a day that does not exist in the target month clamps to its last day. */
export function addMonths(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

export function addYears(from: Date, years: number): Date {
  return addMonths(from, years * 12);
}
