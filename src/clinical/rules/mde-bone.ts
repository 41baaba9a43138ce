import type { PatientSnapshot } from '../types.js';
import { type MdeResult, result } from './classification-mde.js';

// Catalogue A.1 `mde-bone` (CRAB-B), seed [003] «Diagnostiske kriterier»: «B Skjelettsykdom. En
// eller flere osteolytiske lesjoner (minst 5 mm) påvist ved lavdose CT eller røntgen. Ved usikre
// funn bør undersøkelsen gjentas etter 3–6 måneder fremfor å starte behandling».
// A pure assessment shown inside the classify-* cards, never a card of its own (contract item 8).

/** «En eller flere osteolytiske lesjoner» */
export const MIN_LYTIC_LESIONS = 1;
/** «(minst 5 mm)» */
export const MIN_LESION_SIZE_MM = 5;

export const B_CRITERIA = { lyticLesion: 'b-lytic-lesion-ge-5mm', equivocal: 'b-equivocal-repeat' } as const;

/** The concept a coded low-dose CT / X-ray finding would carry; no verified code yet (C-4). */
export const LOWDOSE_CT = 'obs:lowdose-ct-lesions';

/** A coded low-dose CT or X-ray result: sizes (mm) of the osteolytic lesions found, and whether the radiologist called it equivocal. */
export interface BoneImagingFinding {
  lesionSizesMm: number[];
  equivocal: boolean;
}

export function boneCriterion(finding: BoneImagingFinding | undefined): MdeResult {
  if (!finding) return result('unknown', { missing: [LOWDOSE_CT] });
  // «Ved usikre funn … gjentas etter 3–6 måneder fremfor å starte behandling»: equivocal is not met.
  if (finding.equivocal) return result('not-met', { notMet: [B_CRITERIA.equivocal] });
  const lesions = finding.lesionSizesMm.filter((mm) => mm >= MIN_LESION_SIZE_MM).length;
  return lesions >= MIN_LYTIC_LESIONS ? result('met', { met: [B_CRITERIA.lyticLesion] }) : result('not-met', { notMet: [B_CRITERIA.lyticLesion] });
}

/**
 * Imaging is not coded in the terminology (C-4: «B is evaluated only from coded findings … never
 * infer B from free text»), so the snapshot offers no finding and B is always unknown for now.
 */
export function boneImagingFrom(_snapshot: PatientSnapshot): BoneImagingFinding | undefined {
  return undefined;
}

export function assessBone(snapshot: PatientSnapshot): MdeResult {
  return boneCriterion(boneImagingFrom(snapshot));
}
