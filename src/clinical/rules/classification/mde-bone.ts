import type { PatientSnapshot } from '../../types.js';
import { type MdeResult, type ReadPoint, readFinding, result, usedFinding } from './mde-criteria.js';

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
 * C-4: B is read only from a coded finding (never from free text): the local finding
 * `obs:lowdose-ct-lesions` answers Present when one or more osteolytic lesions of at least 5 mm were
 * seen, Absent when none, and carries interpretation IND when the finding is equivocal.
 */
export function boneImagingFrom(snapshot: PatientSnapshot, at?: ReadPoint): BoneImagingFinding | undefined {
  const o = at ? readFinding(snapshot, LOWDOSE_CT, at) : snapshot.codedObservations[LOWDOSE_CT]?.[0];
  if (!o) return undefined;
  if (o.valueConcepts.includes('answer:indeterminate')) return { lesionSizesMm: [], equivocal: true };
  if (o.valueConcepts.includes('answer:present')) return { lesionSizesMm: [MIN_LESION_SIZE_MM], equivocal: false };
  if (o.valueConcepts.includes('answer:absent')) return { lesionSizesMm: [], equivocal: false };
  return undefined;
}

export function assessBone(snapshot: PatientSnapshot, at?: ReadPoint): MdeResult {
  const finding = boneImagingFrom(snapshot, at);
  const o = at ? readFinding(snapshot, LOWDOSE_CT, at) : undefined;
  const r = boneCriterion(finding);
  const answer = finding === undefined ? '' : finding.equivocal ? 'equivocal' : finding.lesionSizesMm.length > 0 ? '≥1 ≥5 mm' : '0';
  return { ...r, values: [...r.values, ...(finding ? usedFinding(o, answer) : [])] };
}
