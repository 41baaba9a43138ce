import type { LabValue, PatientSnapshot, UsedValue } from '../../types.js';
import { DAY_MS, isValidDate } from './time.js';

// Lab queries shared by the rules. The snapshot holds values already converted to the concept's
// canonical unit (A.0.4); a value whose unit is not the one a rule compares in is treated as
// missing, never compared raw.

/** Values of `concept` in `unit` with a valid number and date, newest first. */
export function labValues(snapshot: PatientSnapshot, concept: string, unit: string): LabValue[] {
  return (snapshot.labs[concept] ?? []).filter((v) => v.unit === unit && Number.isFinite(v.value) && isValidDate(v.effective));
}

/**
 * The newest value taken no later than `now` and, when `maxAgeDays` is given, no more than that
 * many days before it (A.0.5 lookback windows; older values count as missing).
 */
export function latestLab(snapshot: PatientSnapshot, concept: string, unit: string, now: Date, maxAgeDays?: number): LabValue | undefined {
  for (const v of labValues(snapshot, concept, unit)) {
    const age = (now.getTime() - v.effective.getTime()) / DAY_MS;
    if (age < 0) continue;
    if (maxAgeDays !== undefined && age > maxAgeDays) return undefined;
    return v;
  }
  return undefined;
}

/**
 * The value closest to `date` within ±`windowDays` (a tie goes to the earlier, pre-treatment
 * value); without a date, the latest value up to `now`.
 */
export function labNearest(
  snapshot: PatientSnapshot,
  concept: string,
  unit: string,
  date: Date | undefined,
  windowDays: number,
  now: Date,
): LabValue | undefined {
  if (!date) return latestLab(snapshot, concept, unit, now);
  let best: LabValue | undefined;
  let bestDistance = Infinity;
  for (const v of labValues(snapshot, concept, unit)) {
    const distance = Math.abs(v.effective.getTime() - date.getTime());
    if (distance > windowDays * DAY_MS) continue;
    if (distance < bestDistance || (distance === bestDistance && best && v.effective.getTime() < best.effective.getTime())) {
      best = v;
      bestDistance = distance;
    }
  }
  return best;
}

export function usedLab(v: LabValue): UsedValue {
  return { concept: v.concept, value: v.value, unit: v.unit, date: v.effective, source: v.source };
}
