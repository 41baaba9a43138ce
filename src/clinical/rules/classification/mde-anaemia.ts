import type { PatientSnapshot } from '../../types.js';
import { type MdeResult, type ReadPoint, lt, readLab, result, used } from './mde-criteria.js';

// Catalogue A.1 `mde-anaemia` (CRAB-A), seed [003] «Diagnostiske kriterier»:
// «A Anemi. Hb <10 g/dL eller 2 g/dL under laboratoriets referanseområde.»
// A pure assessment shown inside the classify-* cards, never a card of its own (contract item 8).

/** «Hb <10 g/dL» */
export const HB_BELOW_G_DL = 10;
/** «2 g/dL under laboratoriets referanseområde», read as strictly below LLN − 2 g/dL (C-3). */
export const HB_BELOW_LLN_BY_G_DL = 2;

export const A_CRITERIA = { below10: 'a-hb-lt-10', belowLln: 'a-hb-lt-lln-2', llnNotReported: 'a-lln-not-reported' } as const;

/** A on Hb (g/dL) and its lower reference limit; without an LLN only the < 10 g/dL arm is evaluated. */
export function anaemiaCriterion(hb: number | undefined, lln: number | undefined): MdeResult {
  if (hb === undefined) return result('unknown', { missing: ['lab:hb'] });
  const met: string[] = [];
  const notMet: string[] = [];
  (lt(hb, HB_BELOW_G_DL) ? met : notMet).push(A_CRITERIA.below10);
  if (lln === undefined) notMet.push(A_CRITERIA.llnNotReported);
  else (lt(hb, lln - HB_BELOW_LLN_BY_G_DL) ? met : notMet).push(A_CRITERIA.belowLln);
  return result(met.length > 0 ? 'met' : 'not-met', { met, notMet });
}

export function assessAnaemia(snapshot: PatientSnapshot, at: ReadPoint): MdeResult {
  const hb = readLab(snapshot, 'lab:hb', 'g/dL', at);
  return { ...anaemiaCriterion(hb?.value, hb?.referenceRange?.low), values: used(hb) };
}
