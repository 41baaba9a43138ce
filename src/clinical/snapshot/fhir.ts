// Tolerant readers for client-supplied FHIR JSON of any version. Every reader takes `unknown` and
// answers undefined (or an empty list) for anything it cannot read, so the builder never throws on shape.

import { isRecord, type JsonObject as Json } from '../../type-guards.js';

// The snapshot readers import these from here, with the readers they go with.
export { isRecord, type Json };

/** A non-empty string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** An array as is; a single value as a one-element list (STU3 fields that became arrays in R4). */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

export function records(value: unknown): Json[] {
  return list(value).filter(isRecord);
}

const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
}

/**
 * A FHIR date, dateTime or instant as a Date. Partial dates (`2024`, `2024-05`) give the start of the
 * period; a time without an offset is read as UTC so the result never depends on the server's zone.
 */
export function parseFhirDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  // A record repeats the same timestamps (a panel of labs is one draw): parse each string once.
  // Client data decides the keys, so the cache is bounded in entries and in key length (no valid
  // dateTime is that long); a Date is handed out fresh each time.
  if (value.length > 64) {
    const t = parseFhirDateUncached(value);
    return t === undefined ? undefined : new Date(t);
  }
  let time = parsedDates.get(value);
  if (time === undefined) {
    time = parseFhirDateUncached(value) ?? null;
    if (parsedDates.size >= PARSED_DATES_LIMIT) parsedDates.clear();
    parsedDates.set(value, time);
  }
  return time === null ? undefined : new Date(time);
}

const parsedDates = new Map<string, number | null>();
const PARSED_DATES_LIMIT = 10_000;

function parseFhirDateUncached(value: string): number | undefined {
  const m = FHIR_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const millis = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let time = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    time -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return Number.isFinite(time) ? time : undefined;
}

/** The first readable date among the candidates, in order of preference. */
export function firstDate(...candidates: unknown[]): Date | undefined {
  for (const c of candidates) {
    const d = parseFhirDate(c);
    if (d) return d;
  }
  return undefined;
}

export function periodStart(period: unknown): unknown {
  return isRecord(period) ? period.start : undefined;
}

export function periodEnd(period: unknown): unknown {
  return isRecord(period) ? period.end : undefined;
}

/** `Type/id` of a resource; resources without an id get a stable placeholder by position. */
export function resourceRef(resource: Json, position: number): string {
  const type = str(resource.resourceType) ?? 'Resource';
  const id = str(resource.id);
  return `${type}/${id ?? `unidentified-${position}`}`;
}

/**
 * Whether a reference string points to Patient/<patientId>. Accepts a bare id, `Patient/id`, an
 * absolute URL ending in `/Patient/id`, and any of these with `/_history/n`.
 */
export function pointsToPatient(reference: string, patientId: string): boolean {
  // Nearly every reference in a prefetch is exactly `Patient/<id>`.
  if (reference.length === patientId.length + 8 && reference.startsWith('Patient/') && reference.endsWith(patientId)) return true;
  const withoutHistory = reference.trim().replace(/\/_history\/[^/]*$/, '');
  if (withoutHistory.includes('?') || withoutHistory.startsWith('#')) return false;
  const parts = withoutHistory.split('/');
  if (parts.length === 1) return parts[0] === patientId;
  return parts[parts.length - 2] === 'Patient' && parts[parts.length - 1] === patientId;
}

/**
 * False when the resource's subject or patient reference names someone else (prefetch for the wrong
 * patient, or a mixed bundle). A resource without a reference string cannot be checked and is kept.
 */
export function belongsToPatient(resource: Json, patientId: string): boolean {
  for (const field of ['subject', 'patient'] as const) {
    const ref = resource[field];
    if (!isRecord(ref)) continue;
    const reference = str(ref.reference);
    if (reference !== undefined && !pointsToPatient(reference, patientId)) return false;
  }
  return true;
}

/** A status that is a code (R4 `status`, STU3 `clinicalStatus`) or a CodeableConcept (R4 `clinicalStatus`). */
export function statusCode(value: unknown): string | undefined {
  if (typeof value === 'string') return str(value);
  if (!isRecord(value)) return undefined;
  for (const coding of records(value.coding)) {
    const code = str(coding.code);
    if (code) return code;
  }
  return undefined;
}

/** Human text of a CodeableConcept: its text, else the first coding display. */
export function conceptText(cc: unknown): string | undefined {
  if (!isRecord(cc)) return undefined;
  const text = str(cc.text);
  if (text) return text;
  for (const coding of records(cc.coding)) {
    const display = str(coding.display);
    if (display) return display;
  }
  return undefined;
}

const UCUM_SYSTEMS = new Set(['http://unitsofmeasure.org', 'http://unitsofmeasure.org/', 'urn:oid:2.16.840.1.113883.6.8']);

export interface ReadQuantity {
  value: number;
  /** UCUM code when the quantity says it is UCUM, else the free-text unit. */
  unit?: string;
}

/** A Quantity's value and unit: `code` when `system` is UCUM, else `unit`. */
export function readQuantity(value: unknown): ReadQuantity | undefined {
  if (!isRecord(value)) return undefined;
  const number = finiteNumber(value.value);
  if (number === undefined) return undefined;
  if (str(value.comparator)) return undefined; // "<5" is not the number 5
  const system = str(value.system);
  const code = str(value.code);
  const unit = system && UCUM_SYSTEMS.has(system.trim()) && code ? code : str(value.unit);
  return unit === undefined ? { value: number } : { value: number, unit };
}
