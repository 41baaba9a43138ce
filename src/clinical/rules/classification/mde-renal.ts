import type { PatientSnapshot } from '../../types.js';
import { type MdeResult, type ReadPoint, gt, lt, readLab, result, used } from './mde-criteria.js';

// Catalogue A.1 `mde-renal` (CRAB-R), seed [003] «Diagnostiske kriterier»:
// «R Nyresvikt. Forhøyet kreatinin >177 µmol/L eller eGFR <40 mL/min/1,73m2.»
// A pure assessment shown inside the classify-* cards, never a card of its own (contract item 8).

/** «Forhøyet kreatinin >177 µmol/L» */
export const CREATININE_ABOVE_UMOL_L = 177;
/** «eGFR <40 mL/min/1,73m2» */
export const EGFR_BELOW = 40;

export const R_CRITERIA = { creatinine: 'r-creatinine-gt-177', egfr: 'r-egfr-lt-40' } as const;

/**
 * R on creatinine (µmol/L) and eGFR. Either arm met is enough; "not met" needs both arms, because
 * a missing arm could still flip the result (the missing one is listed).
 */
export function renalCriterion(creatinine: number | undefined, egfr: number | undefined): MdeResult {
  const met: string[] = [];
  const notMet: string[] = [];
  const missing: string[] = [];
  if (creatinine === undefined) missing.push('lab:creatinine');
  else (gt(creatinine, CREATININE_ABOVE_UMOL_L) ? met : notMet).push(R_CRITERIA.creatinine);
  if (egfr === undefined) missing.push('lab:egfr');
  else (lt(egfr, EGFR_BELOW) ? met : notMet).push(R_CRITERIA.egfr);
  if (met.length > 0) return result('met', { met, notMet });
  return result(missing.length > 0 ? 'unknown' : 'not-met', { met, notMet, missing });
}

export function assessRenal(snapshot: PatientSnapshot, at: ReadPoint): MdeResult {
  const creatinine = readLab(snapshot, 'lab:creatinine', 'umol/L', at);
  const egfr = readLab(snapshot, 'lab:egfr', 'mL/min/{1.73_m2}', at);
  return { ...renalCriterion(creatinine?.value, egfr?.value), values: [...used(creatinine), ...used(egfr)] };
}
