import type { CodedObservation, LabValue, PatientSnapshot, UsedValue } from '../../types.js';
import { labValues, usedLab } from '../support/labs.js';
import { DAY_MS } from '../support/time.js';

// Shared vocabulary of the myeloma-defining-event (MDE) assessments (catalogue A.1). The mde-*
// modules are pure functions, not Rules: they never make cards of their own (contract item 8);
// the classify-* rules show their results as criteria and values in their own card detail.

export type MdeStatus = 'met' | 'not-met' | 'unknown';

export interface MdeResult {
  status: MdeStatus;
  /** Values the assessment used, with dates and units. */
  values: UsedValue[];
  /** Concept ids needed for a definite answer that are missing (only when `status` is unknown, or an arm could not be evaluated). */
  missing: string[];
  /** Criterion keys (shared by every classify-* card file) that are met / not met. */
  met: string[];
  notMet: string[];
}

/**
 * Where classification values are read (A.0.5 «≤ 60 days around the diagnosis date; else the latest
 * value»): the value nearest the diagnosis date within the window; when none lies in it, or no
 * diagnosis date is known, the latest value up to now. Classification is re-assessed over time
 * (smouldering → active), so a later value is better than none; staging reads the window strictly.
 */
export interface ReadPoint {
  /** Diagnosis date of the myeloma-spectrum condition; undefined = use the latest value. */
  diagnosisDate?: Date;
  /**
   * First anti-myeloma therapy. The IMWG classification describes the untreated disease: values
   * taken after the day therapy started measure the response (A.5), not the diagnosis, and are
   * never used to classify (a patient in VGPR must not read as MGUS).
   */
  therapyStart?: Date;
  now: Date;
}

/** A.0.5 (proposal): classification labs within ±60 days of the diagnosis date; outside = missing. */
export const CLASSIFICATION_WINDOW_DAYS = 60;

/** Float-safe comparisons: a computed 2.4 + 0.25 must equal a reported 2.65. */
const EPS = 1e-9;
export const gt = (a: number, b: number): boolean => a - b > EPS;
export const lt = (a: number, b: number): boolean => b - a > EPS;
export const ge = (a: number, b: number): boolean => !lt(a, b);
export const le = (a: number, b: number): boolean => !gt(a, b);

export function readLab(snapshot: PatientSnapshot, concept: string, unit: string, at: ReadPoint): LabValue | undefined {
  const ceiling = at.therapyStart ? Math.min(at.now.getTime(), at.therapyStart.getTime() + DAY_MS) : at.now.getTime();
  const candidates = labValues(snapshot, concept, unit).filter((v) => v.effective.getTime() <= ceiling);
  let best: LabValue | undefined;
  if (at.diagnosisDate) {
    const dx = at.diagnosisDate.getTime();
    let bestDistance = Infinity;
    for (const v of candidates) {
      const distance = Math.abs(v.effective.getTime() - dx);
      if (distance > CLASSIFICATION_WINDOW_DAYS * DAY_MS) continue;
      // A tie goes to the earlier (pre-treatment) value.
      if (distance < bestDistance || (distance === bestDistance && best && v.effective.getTime() < best.effective.getTime())) {
        best = v;
        bestDistance = distance;
      }
    }
  }
  // Outside the window: the latest value before treatment (the snapshot holds values newest first).
  return best ?? candidates[0];
}

/**
 * The coded imaging finding (C-4) the classification reads: the newest one taken before treatment
 * started (or before now), as for lab values.
 */
export function readFinding(snapshot: PatientSnapshot, concept: string, at: ReadPoint): CodedObservation | undefined {
  const ceiling = at.therapyStart ? Math.min(at.now.getTime(), at.therapyStart.getTime() + DAY_MS) : at.now.getTime();
  return (snapshot.codedObservations[concept] ?? []).find((o) => Number.isFinite(o.effective.getTime()) && o.effective.getTime() <= ceiling && o.valueConcepts.length > 0);
}

export function usedFinding(o: CodedObservation | undefined, answer: string): UsedValue[] {
  return o ? [{ concept: o.concept, value: answer, date: o.effective, source: o.source }] : [];
}

export function used(v: LabValue | undefined): UsedValue[] {
  return v ? [usedLab(v)] : [];
}

/** Combines statuses: met if any is met, not met only if all are not met, else unknown. */
export function anyOf(statuses: MdeStatus[]): MdeStatus {
  if (statuses.includes('met')) return 'met';
  if (statuses.every((s) => s === 'not-met')) return 'not-met';
  return 'unknown';
}

export function result(status: MdeStatus, parts: Partial<Omit<MdeResult, 'status'>> = {}): MdeResult {
  return { status, values: parts.values ?? [], missing: parts.missing ?? [], met: parts.met ?? [], notMet: parts.notMet ?? [] };
}
