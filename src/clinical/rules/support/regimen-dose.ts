import type { DraftOrder, Finding, LabValue, MedicationEntry, PatientSnapshot, UsedValue } from '../../types.js';
import { convertUnit, normaliseUnit } from '../../units.js';
import { latestLab, usedLab } from './labs.js';
import { hasConcept } from './medications.js';
import { sourceOf } from './refs.js';
import { isValidDate } from './time.js';

// Regimen dose checks shared by the first-line and relapse regimen rules (catalogue A.6 and the A.7
// tables): the ordered dose converted to the seed's unit (mg/m² with BSA, mg/kg with weight), the
// difference from the seed dose, and the cycle/day of a 28- or 56-day course. Pure functions of the
// snapshot; the rules decide what a deviation means.

/** The units the seed's regimen tables state doses in. */
export type SeedUnit = 'mg' | 'mg/m2' | 'mg/kg';

export interface SeedDose {
  value: number;
  unit: SeedUnit;
}

/** A.0.5 (proposal): weight and BSA count only ≤ 14 days before the order. */
export const BODY_SIZE_WINDOW_DAYS = 14;
/**
 * (proposal) Height changes little in adults: the newest height of any date is used for a BSA
 * computed from height and weight.
 */
export const HEIGHT_ANY_DATE = true;
/** (proposal) An ordered dose within ±5 % of the seed dose (dose banding, rounding to vial sizes) is the seed dose. */
export const DOSE_TOLERANCE = 0.05;
/** «far above the seed dose» (issue 15): more than 1.5 × the seed dose is critical. */
export const CRITICAL_RATIO = 1.5;

/** Label keys (cards' `labels`) for the values this helper adds to a finding. */
export const LABEL = {
  bsaComputed: 'bsa-mosteller',
  orderedDose: 'draft-dose',
  orderedPerUnit: 'dose-in-seed-unit',
  seedDose: 'seed-dose',
} as const;

export interface BodySize {
  /** BSA in m²: measured (LOINC 3140-1) or computed (Mosteller) from height and weight. */
  bsa?: { value: number; computed: boolean; values: UsedValue[] };
  weight?: LabValue;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Mosteller: BSA (m²) = √(height cm × weight kg / 3600). */
export function mostellerBsa(heightCm: number, weightKg: number): number {
  return round2(Math.sqrt((heightCm * weightKg) / 3600));
}

/** Weight and BSA for dosing at `now` (LOINC 3140-1 first, else Mosteller from height and weight; proposal). */
export function bodySize(snapshot: PatientSnapshot, now: Date): BodySize {
  const weight = latestLab(snapshot, 'lab:weight', 'kg', now, BODY_SIZE_WINDOW_DAYS);
  const measured = latestLab(snapshot, 'lab:bsa', 'm2', now, BODY_SIZE_WINDOW_DAYS);
  const out: BodySize = weight && weight.value > 0 ? { weight } : {};
  if (measured && measured.value > 0) {
    out.bsa = { value: measured.value, computed: false, values: [usedLab(measured)] };
    return out;
  }
  const height = latestLab(snapshot, 'lab:height', 'cm', now, HEIGHT_ANY_DATE ? undefined : BODY_SIZE_WINDOW_DAYS);
  if (weight && weight.value > 0 && height && height.value > 0) {
    const value = mostellerBsa(height.value, weight.value);
    out.bsa = {
      value,
      computed: true,
      values: [usedLab(height), usedLab(weight), { concept: LABEL.bsaComputed, value, unit: 'm2', date: weight.effective }],
    };
  }
  return out;
}

/** The draft's dose per administration in one of the seed units, as ordered; undefined when absent or in another unit. */
export function orderedDose(draft: DraftOrder): { value: number; unit: SeedUnit } | undefined {
  const dose = draft.medication?.dose;
  if (!dose || !Number.isFinite(dose.value) || dose.value <= 0) return undefined;
  // «mg/m²» as typed by clinicians is not UCUM; the superscript is the only difference.
  const unit = normaliseUnit(dose.unit.replace(/²/g, '2'));
  if (!unit) return undefined;
  for (const target of ['mg', 'mg/m2', 'mg/kg'] as const) {
    const value = unit === target ? dose.value : convertUnit(dose.value, unit, target);
    if (value !== undefined) return { value, unit: target };
  }
  return undefined;
}

export type DoseCheck =
  | { status: 'no-dose' }
  | { status: 'missing'; missing: ('lab:bsa' | 'lab:weight')[] }
  | {
      status: 'ok' | 'deviation';
      ordered: { value: number; unit: SeedUnit };
      /** The ordered dose expressed in the seed's unit. */
      inSeedUnit: number;
      /** The seed dose expressed in the ordered unit (what the update suggestion orders). */
      seedInOrderedUnit: number;
      /** ordered / seed. */
      ratio: number;
      /** Signed difference in per cent of the seed dose, rounded. */
      differencePct: number;
      critical: boolean;
      values: UsedValue[];
    };

/** Factor that turns a dose per `from` into a dose per `to` (mg ↔ mg/m² ↔ mg/kg), or the body size it needs. */
function factor(from: SeedUnit, to: SeedUnit, body: BodySize): number | ('lab:bsa' | 'lab:weight')[] {
  if (from === to) return 1;
  const perKgToMg = body.weight?.value;
  const perM2ToMg = body.bsa?.value;
  const need: ('lab:bsa' | 'lab:weight')[] = [];
  if ((from === 'mg/m2' || to === 'mg/m2') && perM2ToMg === undefined) need.push('lab:bsa');
  if ((from === 'mg/kg' || to === 'mg/kg') && perKgToMg === undefined) need.push('lab:weight');
  if (need.length > 0) return need;
  const toMg = from === 'mg' ? 1 : from === 'mg/m2' ? (perM2ToMg as number) : (perKgToMg as number);
  const fromMg = to === 'mg' ? 1 : to === 'mg/m2' ? 1 / (perM2ToMg as number) : 1 / (perKgToMg as number);
  return toMg * fromMg;
}

/** The draft's dose against the seed dose, after unit conversion; never a guessed dose. */
export function checkDose(draft: DraftOrder, seed: SeedDose, body: BodySize, tolerance = DOSE_TOLERANCE): DoseCheck {
  const ordered = orderedDose(draft);
  if (!ordered) return { status: 'no-dose' };
  const f = factor(ordered.unit, seed.unit, body);
  if (Array.isArray(f)) return { status: 'missing', missing: f };
  const inSeedUnit = Math.round(ordered.value * f * 100) / 100;
  const ratio = (ordered.value * f) / seed.value;
  const differencePct = Math.round((ratio - 1) * 100);
  const values: UsedValue[] = [{ concept: LABEL.orderedDose, value: ordered.value, unit: ordered.unit, source: sourceOf(draft.ref) }];
  if (ordered.unit !== seed.unit) {
    if (ordered.unit === 'mg/m2' || seed.unit === 'mg/m2') values.push(...(body.bsa?.values ?? []));
    if ((ordered.unit === 'mg/kg' || seed.unit === 'mg/kg') && body.weight) values.push(usedLab(body.weight));
    values.push({ concept: LABEL.orderedPerUnit, value: inSeedUnit, unit: seed.unit, source: sourceOf(draft.ref) });
  }
  values.push({ concept: LABEL.seedDose, value: seed.value, unit: seed.unit });
  return {
    status: Math.abs(ratio - 1) > tolerance + 1e-9 ? 'deviation' : 'ok',
    ordered,
    inSeedUnit,
    seedInOrderedUnit: Math.round((seed.value / f) * 100) / 100,
    ratio,
    differencePct,
    critical: ratio > CRITICAL_RATIO + 1e-9,
    values,
  };
}

const DAY_MS = 86_400_000;
const OSLO_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayNumber = (d: Date): number => Math.round(Date.parse(`${OSLO_DAY.format(d)}T00:00:00Z`) / DAY_MS);

/** (proposal) Administrations more than this many days apart belong to different courses. */
export const COURSE_GAP_DAYS = 42;

/**
 * The start of the current course of `concepts`: the first administration of the unbroken run of
 * administrations (gaps ≤ 42 days) that ends with the newest one before `at`. Undefined without one.
 */
export function courseStart(snapshot: PatientSnapshot, concepts: readonly string[], at: Date): MedicationEntry | undefined {
  const given = snapshot.administrations
    .filter((a) => hasConcept(a, concepts) && a.status !== 'not-done' && a.status !== 'entered-in-error')
    .filter((a) => {
      const when = a.occurredAt ?? a.date;
      return isValidDate(when) && dayNumber(when) <= dayNumber(at);
    })
    .sort((a, b) => ((b.occurredAt ?? b.date) as Date).getTime() - ((a.occurredAt ?? a.date) as Date).getTime());
  let start = given[0];
  if (!start || dayNumber(at) - dayNumber((start.occurredAt ?? start.date) as Date) > COURSE_GAP_DAYS) return undefined;
  for (const a of given.slice(1)) {
    const gap = dayNumber((start.occurredAt ?? start.date) as Date) - dayNumber((a.occurredAt ?? a.date) as Date);
    if (gap > COURSE_GAP_DAYS) break;
    start = a;
  }
  return start;
}

/** Cycle (1-based) and day (1-based) of `at` in a course that started on `start`, with cycles of `cycleDays`. */
export function cycleDay(start: Date, at: Date, cycleDays: number): { cycle: number; day: number } {
  const days = Math.max(0, dayNumber(at) - dayNumber(start));
  return { cycle: Math.floor(days / cycleDays) + 1, day: (days % cycleDays) + 1 };
}

/** Unit as the cards print it. */
export function unitText(unit: string): string {
  return unit.replace('m2', 'm²');
}

/**
 * The dose part of a regimen rule's order-sign finding for one draft: `undefined` when the dose is the
 * seed dose, a `.not-evaluable` MD-warn finding when BSA, weight or the dose itself is missing, and a
 * warning (critical above 1.5 ×) stating seed dose, ordered dose and difference, with one update
 * suggestion (`update-<suggestion>`), when it deviates.
 */
export function doseFinding(
  ruleId: string,
  draft: DraftOrder,
  seed: SeedDose,
  body: BodySize,
  suggestion: string,
  params: Record<string, string | number>,
  extraValues: UsedValue[] = [],
): Finding | undefined {
  const base = { ruleId, subject: draft.ref };
  const dose = checkDose(draft, seed, body);
  if (dose.status === 'missing') {
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: dose.missing.includes('lab:bsa') ? 'bsa-missing' : 'weight-missing',
      params,
      values: extraValues,
      missing: dose.missing,
      indicator: 'warning',
    };
  }
  if (dose.status === 'no-dose') {
    return { ...base, outcome: 'not-evaluable', variant: 'dose-unknown', params, values: extraValues, missing: [LABEL.orderedDose], indicator: 'warning' };
  }
  if (dose.status === 'ok') return undefined;
  return {
    ...base,
    outcome: 'fired',
    variant: dose.differencePct > 0 ? 'dose-high' : 'dose-low',
    params: {
      ...params,
      seed: seed.value,
      seedUnit: unitText(seed.unit),
      ordered: dose.ordered.value,
      orderedUnit: unitText(dose.ordered.unit),
      inSeedUnit: dose.inSeedUnit,
      diff: Math.abs(dose.differencePct),
    },
    values: [...dose.values, ...extraValues],
    missing: [],
    criteriaNotMet: ['dose-as-seed'],
    indicator: dose.critical ? 'critical' : 'warning',
    suggestions: [{ template: `update-${suggestion}`, targetRef: draft.ref }],
  };
}
