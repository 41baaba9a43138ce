// The demo patients (fixtures/pat-*.json) and the drafts of fixtures/scenarios.json are written for
// one reference day, FIXTURE_REFERENCE_DATE. Whoever loads them (the demo FHIR server, the test
// loaders, `npm run fixtures:load`) moves every date by the same whole number of days so that the
// reference day becomes today: the charts then give the same cards on any day.
//
// For the fixtures:load script: `import { rebaseFixtureDates } from '../src/demo-fhir/fixture-dates.js'`
// and load `rebaseFixtureDates(bundle, new Date())` instead of the bundle as read.
//
// Whole days, not milliseconds: every date keeps its time of day and offset, day-precision dates stay
// exact, and at the reference day itself nothing changes (the rule tests pin their clock to it).
// Birth dates move with the rest, so ages stay what they were on the reference day.

/** The day the fixtures describe (fixtures/scenarios.json `now`). */
export const FIXTURE_REFERENCE_DATE = '2026-11-22T10:00:00Z';

const DAY_MS = 24 * 60 * 60 * 1000;

/** FHIR date, dateTime and instant: YYYY, YYYY-MM, YYYY-MM-DD, or a date with a time and optional zone. */
const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * Elements of date, dateTime or instant type in the resources we ship (any `…Date`, `…DateTime`,
 * `…Instant`, Period `start`/`end`, and the plain names below). Matching by element name keeps
 * codes that look like years (RxNorm `3002`) and ids that carry a date untouched.
 */
const DATE_ELEMENT = /(?:Date|DateTime|Instant)$|^(?:date|issued|authoredOn|start|end|lastUpdated|recorded|dateWritten|dateAsserted|timestamp|event|occurrence)$/;

/** How far to move: whole UTC calendar days, months and years from the reference day to `now`. */
export interface DateShift {
  days: number;
  months: number;
  years: number;
}

export function fixtureDateShift(now: Date, reference: string | Date = FIXTURE_REFERENCE_DATE): DateShift {
  const ref = typeof reference === 'string' ? new Date(reference) : reference;
  if (!Number.isFinite(now.getTime()) || !Number.isFinite(ref.getTime())) throw new RangeError('fixtureDateShift: invalid date');
  const days = Math.floor(now.getTime() / DAY_MS) - Math.floor(ref.getTime() / DAY_MS);
  const months = now.getUTCFullYear() * 12 + now.getUTCMonth() - (ref.getUTCFullYear() * 12 + ref.getUTCMonth());
  return { days, months, years: now.getUTCFullYear() - ref.getUTCFullYear() };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * One FHIR date/dateTime/instant moved by the shift, in its own precision: a full date by days (its
 * time of day and offset kept as written), YYYY-MM by calendar months, YYYY by years. A value that is
 * not a FHIR date comes back unchanged.
 */
export function shiftFhirDate(value: string, shift: DateShift): string {
  const m = FHIR_DATE.exec(value);
  if (!m) return value;
  const year = Number(m[1]);
  if (m[2] === undefined) return pad(year + shift.years, 4);
  const month = Number(m[2]);
  if (m[3] === undefined) {
    const d = new Date(Date.UTC(year, month - 1 + shift.months, 1));
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;
  }
  const d = new Date(Date.UTC(year, month - 1, Number(m[3])) + shift.days * DAY_MS);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${m[4] ?? ''}`;
}

function shiftValue(value: unknown, shift: DateShift, isDateElement: boolean): unknown {
  if (typeof value === 'string') return isDateElement ? shiftFhirDate(value, shift) : value;
  if (Array.isArray(value)) return value.map((item) => shiftValue(item, shift, isDateElement));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = shiftValue(item, shift, DATE_ELEMENT.test(key));
    return out;
  }
  return value;
}

/**
 * A copy of a FHIR resource or Bundle (or any JSON holding them, e.g. a scenario's draft specs)
 * with every date element moved from the reference day to `now`'s day. The input is not changed.
 */
export function rebaseFixtureDates<T>(json: T, now: Date, reference: string | Date = FIXTURE_REFERENCE_DATE): T {
  const shift = fixtureDateShift(now, reference);
  if (shift.days === 0 && shift.months === 0 && shift.years === 0) return structuredClone(json);
  return shiftValue(json, shift, false) as T;
}
