import type { LabValue, PatientSnapshot, UsedValue } from '../../types.js';
import { type MdeResult, type ReadPoint, gt, readLab, result, used } from './mde-criteria.js';

// Catalogue A.1 `mde-hypercalcaemia` (CRAB-C), seed [003] «Diagnostiske kriterier»:
// «C Hypercalcemi. Albumin-korrigert Ca >0,25 mmol/L over referanseverdi eller > 2,75 mmol/L.»
// A pure assessment shown inside the classify-* cards, never a card of its own (contract item 8).

/** «> 2,75 mmol/L» */
export const CA_ABOVE_MMOL_L = 2.75;
/** «Albumin-korrigert Ca >0,25 mmol/L over referanseverdi»; "referanseverdi" read as the upper reference limit (C-2). */
export const CA_ABOVE_ULN_BY_MMOL_L = 0.25;
/**
 * Proposal (not in the seed, C-2): corrected Ca = total Ca + 0.02 × (40 − albumin g/L), used only
 * when no lab-reported corrected Ca (29265-6) exists; a placeholder for the local lab's formula.
 */
export const CORRECTION_ALBUMIN_REFERENCE_G_L = 40;
export const CORRECTION_FACTOR_MMOL_PER_G = 0.02;

export const C_CRITERIA = {
  above275: 'c-ca-gt-2.75',
  aboveUln: 'c-ca-gt-uln-0.25',
  ulnNotReported: 'c-uln-not-reported',
} as const;

export const CORRECTED_CA_CALCULATED = 'ca-corrected-calculated';

/** The C criterion on a corrected Ca (mmol/L) and its upper reference limit, when reported. */
export function hypercalcaemiaCriterion(correctedCa: number | undefined, uln: number | undefined): MdeResult {
  if (correctedCa === undefined) return result('unknown', { missing: ['lab:calcium-corrected'] });
  const met: string[] = [];
  const notMet: string[] = [];
  (gt(correctedCa, CA_ABOVE_MMOL_L) ? met : notMet).push(C_CRITERIA.above275);
  if (uln === undefined) notMet.push(C_CRITERIA.ulnNotReported);
  else (gt(correctedCa, uln + CA_ABOVE_ULN_BY_MMOL_L) ? met : notMet).push(C_CRITERIA.aboveUln);
  // Without a ULN only the > 2.75 arm is evaluated, as the catalogue says, and the card says so.
  return result(met.length > 0 ? 'met' : 'not-met', { met, notMet });
}

export function correctCalcium(totalCa: number, albuminGL: number): number {
  return totalCa + CORRECTION_FACTOR_MMOL_PER_G * (CORRECTION_ALBUMIN_REFERENCE_G_L - albuminGL);
}

/** The corrected Ca a rule should use: lab-reported, else calculated from total Ca and albumin. */
export function correctedCalcium(
  snapshot: PatientSnapshot,
  read: (concept: string, unit: string) => LabValue | undefined,
): { value: number; uln?: number; values: UsedValue[] } | undefined {
  const reported = read('lab:calcium-corrected', 'mmol/L');
  if (reported) {
    const uln = reported.referenceRange?.high;
    return { value: reported.value, ...(uln !== undefined ? { uln } : {}), values: used(reported) };
  }
  const total = read('lab:calcium', 'mmol/L');
  const albumin = read('lab:albumin', 'g/L');
  if (!total || !albumin) return undefined;
  const value = Math.round(correctCalcium(total.value, albumin.value) * 1000) / 1000;
  // The ULN of total Ca stands in for the corrected one (proposal, same reference interval).
  const uln = total.referenceRange?.high;
  return {
    value,
    ...(uln !== undefined ? { uln } : {}),
    values: [...used(total), ...used(albumin), { concept: CORRECTED_CA_CALCULATED, value, unit: 'mmol/L', date: total.effective }],
  };
}

export function assessHypercalcaemia(snapshot: PatientSnapshot, at: ReadPoint): MdeResult {
  const ca = correctedCalcium(snapshot, (concept, unit) => readLab(snapshot, concept, unit, at));
  if (!ca) {
    const missing = ['lab:calcium-corrected'];
    return result('unknown', { missing });
  }
  const r = hypercalcaemiaCriterion(ca.value, ca.uln);
  return { ...r, values: ca.values };
}
