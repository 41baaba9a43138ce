import type { PatientSnapshot, UsedValue } from '../../types.js';
import { type MdeResult, type MdeStatus, type ReadPoint, anyOf, ge, gt, readFinding, readLab, result, used, usedFinding } from './mde-criteria.js';

// Catalogue A.1 `mde-slim` (biomarker MDEs), seed [003] «Diagnostiske kriterier»: «Ved fravær av
// CRAB vil tilstedeværelse av ett av følgende tre kriterier regnes som myelomatosedefinerende
// kriterium: i) ≥60 % klonale plasmaceller i beinmargen ii) Forhøyet ratio av frie lette kjeder i
// serum (kappa/lambda eller lambda/kappa) ≥100, forutsatt at konsentrasjonen av den involverte frie
// lette kjeden er >100 mg/L. iii) ≥2 fokale lesjoner på MR (minst 5 mm) (MR helkropp)».
// A pure assessment shown inside the classify-* cards, never a card of its own (contract item 8).

/** «≥60 % klonale plasmaceller i beinmargen» */
export const BMPC_AT_LEAST_PCT = 60;
/** «(kappa/lambda eller lambda/kappa) ≥100» */
export const FLC_RATIO_AT_LEAST = 100;
/** «involverte frie lette kjeden er >100 mg/L» */
export const INVOLVED_FLC_ABOVE_MG_L = 100;
/** «≥2 fokale lesjoner på MR» */
export const MIN_MRI_FOCAL_LESIONS = 2;
/** «(minst 5 mm)» */
export const MIN_MRI_LESION_SIZE_MM = 5;

export const SLIM_CRITERIA = {
  bmpc: 's-bmpc-ge-60',
  flc: 'li-flc-ratio-ge-100',
  involvedAssumed: 'li-involved-chain-assumed',
  mri: 'm-mri-focal-lesions',
} as const;

export const WB_MRI = 'obs:wb-mri-lesions';
export const INVOLVED_RATIO = 'flc-involved-ratio';

/** FLC inputs (mg/L; the lab ratio is κ/λ). The M-protein isotype is not in the snapshot, so the involved chain is the larger one (C-5). */
export interface FlcInput {
  kappa?: number;
  lambda?: number;
  ratio?: number;
}

/** A coded whole-body MRI result: sizes (mm) of the focal lesions found. */
export interface MriFinding {
  focalLesionSizesMm: number[];
}

function flcArm(flc: FlcInput): { status: MdeStatus; involvedRatio?: number; assumed: boolean; missing: string[] } {
  const { kappa, lambda, ratio } = flc;
  if (kappa !== undefined && lambda !== undefined) {
    const involved = Math.max(kappa, lambda);
    const uninvolved = Math.min(kappa, lambda);
    const involvedRatio = uninvolved > 0 ? involved / uninvolved : Infinity;
    const met = ge(involvedRatio, FLC_RATIO_AT_LEAST) && gt(involved, INVOLVED_FLC_ABOVE_MG_L);
    return { status: met ? 'met' : 'not-met', ...(Number.isFinite(involvedRatio) ? { involvedRatio } : {}), assumed: true, missing: [] };
  }
  if (ratio !== undefined && ratio > 0) {
    const involvedRatio = Math.max(ratio, 1 / ratio);
    // Below 100 the arm fails whatever the involved concentration; at or above it that concentration decides.
    if (!ge(involvedRatio, FLC_RATIO_AT_LEAST)) return { status: 'not-met', involvedRatio, assumed: false, missing: [] };
    return { status: 'unknown', involvedRatio, assumed: false, missing: ratio >= 1 ? ['lab:flc-kappa'] : ['lab:flc-lambda'] };
  }
  return { status: 'unknown', assumed: false, missing: ['lab:flc-kappa', 'lab:flc-lambda'] };
}

export function slimCriterion(bmpc: number | undefined, flc: FlcInput, mri: MriFinding | undefined): MdeResult & { involvedRatio?: number } {
  const met: string[] = [];
  const notMet: string[] = [];
  const missing: string[] = [];
  const s: MdeStatus = bmpc === undefined ? 'unknown' : ge(bmpc, BMPC_AT_LEAST_PCT) ? 'met' : 'not-met';
  if (bmpc === undefined) missing.push('lab:bmpc');
  else (s === 'met' ? met : notMet).push(SLIM_CRITERIA.bmpc);

  const li = flcArm(flc);
  missing.push(...li.missing);
  if (li.status !== 'unknown') (li.status === 'met' ? met : notMet).push(SLIM_CRITERIA.flc);
  if (li.assumed) notMet.push(SLIM_CRITERIA.involvedAssumed);

  let m: MdeStatus = 'unknown';
  if (!mri) missing.push(WB_MRI);
  else {
    m = mri.focalLesionSizesMm.filter((mm) => mm >= MIN_MRI_LESION_SIZE_MM).length >= MIN_MRI_FOCAL_LESIONS ? 'met' : 'not-met';
    (m === 'met' ? met : notMet).push(SLIM_CRITERIA.mri);
  }
  const status = anyOf([s, li.status, m]);
  return { ...result(status, { met, notMet, missing }), ...(li.involvedRatio !== undefined ? { involvedRatio: li.involvedRatio } : {}) };
}

/**
 * C-4: the MRI arm is read only from a coded finding: the local finding `obs:wb-mri-lesions` answers
 * Present when whole-body MRI shows two or more focal lesions of at least 5 mm, Absent when fewer.
 */
export function mriFrom(snapshot: PatientSnapshot, at?: ReadPoint): MriFinding | undefined {
  const o = at ? readFinding(snapshot, WB_MRI, at) : snapshot.codedObservations[WB_MRI]?.[0];
  if (!o) return undefined;
  if (o.valueConcepts.includes('answer:present')) return { focalLesionSizesMm: Array(MIN_MRI_FOCAL_LESIONS).fill(MIN_MRI_LESION_SIZE_MM) as number[] };
  if (o.valueConcepts.includes('answer:absent')) return { focalLesionSizesMm: [] };
  return undefined;
}

export function assessSlim(snapshot: PatientSnapshot, at: ReadPoint, mriOverride?: MriFinding): MdeResult {
  const bmpc = readLab(snapshot, 'lab:bmpc', '%', at);
  const kappa = readLab(snapshot, 'lab:flc-kappa', 'mg/L', at);
  const lambda = readLab(snapshot, 'lab:flc-lambda', 'mg/L', at);
  const ratio = readLab(snapshot, 'lab:flc-ratio', '{ratio}', at);
  const mriObs = mriOverride ? undefined : readFinding(snapshot, WB_MRI, at);
  const mri = mriOverride ?? mriFrom(snapshot, at);
  const r = slimCriterion(
    bmpc?.value,
    { ...(kappa ? { kappa: kappa.value } : {}), ...(lambda ? { lambda: lambda.value } : {}), ...(ratio ? { ratio: ratio.value } : {}) },
    mri,
  );
  const values: UsedValue[] = [...used(bmpc), ...used(kappa), ...used(lambda), ...used(ratio), ...(mri ? usedFinding(mriObs, mri.focalLesionSizesMm.length > 0 ? '≥2 ≥5 mm' : '<2') : [])];
  if (r.involvedRatio !== undefined && kappa && lambda) {
    values.push({ concept: INVOLVED_RATIO, value: Math.round(r.involvedRatio * 100) / 100, date: kappa.effective });
  }
  const { involvedRatio: _ignored, ...rest } = r;
  return { ...rest, values };
}
