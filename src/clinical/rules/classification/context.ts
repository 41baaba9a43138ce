import type { Finding, LabValue, PatientSnapshot, SuggestionRequest, UsedValue } from '../../types.js';
import { MYELOMA_SCOPE_CONCEPTS } from '../../terminology/concepts.js';
import { currentConditions, earliestDiagnosis, usedCondition } from '../support/conditions.js';
import { type MdeResult, type MdeStatus, type ReadPoint, anyOf, ge, lt, readFinding, readLab, result, used, usedFinding } from './mde-criteria.js';
import { assessHypercalcaemia } from './mde-hypercalcaemia.js';
import { therapyStart } from '../response/context.js';
import { assessRenal } from './mde-renal.js';
import { assessAnaemia } from './mde-anaemia.js';
import { assessBone, B_CRITERIA } from './mde-bone.js';
import { assessSlim, WB_MRI } from './mde-slim.js';

// Catalogue A.1: one IMWG assessment shared by the classify-* rules, so that exactly one of them
// answers for a patient (active, smouldering, MGUS, solitary plasmacytoma, or "cannot classify"
// under classify-active-myeloma.not-evaluable). Seed [003] «Diagnostiske kriterier».

/** «≥10 % klonale plasmaceller i benmarg» (active); «<10 %» (MGUS); «10–59 %» (smouldering). */
export const BMPC_AT_LEAST_PCT = 10;
/** «Serum M-komponent ≥30 g/L» (smouldering) / «<30 g/L» (MGUS). */
export const SERUM_M_AT_LEAST_G_L = 30;
/** «urin M-komponent ≥500 mg per 24 t» (smouldering) / «<500 mg per 24t» (MGUS). */
export const URINE_M_AT_LEAST_MG_24H = 500;
/** «FLC-ratio <0,26 eller >1,65» (κ/λ, MGUS clonal marker). */
export const FLC_RATIO_LOW = 0.26;
export const FLC_RATIO_HIGH = 1.65;

const PLASMACYTOMA_BONE = 'cond:solitary-plasmacytoma-bone';
const PLASMACYTOMA_EXTRAMEDULLARY = 'cond:extramedullary-plasmacytoma';
const AL = 'cond:al-amyloidosis';

export const CLS_CRITERIA = {
  bmpcGe10: 'bmpc-ge-10',
  plasmacytoma: 'biopsy-proven-plasmacytoma',
  serumMGe30: 'serum-m-ge-30',
  urineMGe500: 'urine-m-ge-500',
  bmpc10to59: 'bmpc-10-59',
  noAl: 'no-al-amyloidosis',
  flcAbnormal: 'flc-ratio-abnormal',
  mDetectable: 'serum-m-detectable',
  bmpcLt10: 'bmpc-lt-10',
  imagingNotCoded: 'imaging-not-coded',
  urineOmitted: 'urine-m-not-measured',
} as const;

export type PcdOutcome =
  | 'active'
  | 'active-possible'
  | 'mde-without-marrow-criterion'
  | 'unclassified'
  | 'smouldering'
  | 'smouldering-vs-active'
  | 'solitary-plasmacytoma'
  | 'solitary-plasmacytoma-unconfirmed'
  | 'mgus'
  | 'mgus-not-evaluable'
  | 'none';

export type PlasmacytomaSite = 'bone' | 'extramedullary';

/** Coded «ingen ytterligere lesjoner» findings of a plasmacytoma's staging CT and MRI (C-4, local codes). */
export const FURTHER_CT = 'obs:further-lesions-ct';
export const FURTHER_MRI = 'obs:further-lesions-mri';

const DEFINITE_OUTCOMES: ReadonlySet<PcdOutcome> = new Set(['active', 'smouldering', 'solitary-plasmacytoma', 'mgus', 'none']);

export interface PcdAssessment {
  outcome: PcdOutcome;
  mde: { C: MdeResult; R: MdeResult; A: MdeResult; B: MdeResult; SLiM: MdeResult };
  mdeStatus: MdeStatus;
  bmpc?: number;
  /** Clonal marrow plasma cells (% by flow/IHC), when reported; 11118-7 (`bmpc`) counts all plasma cells. */
  clonalBmpc?: number;
  /** Clonal plasma cells in the marrow present or absent (flow/IHC), when reported. */
  clonality?: 'present' | 'absent';
  plasmacytoma?: PlasmacytomaSite;
  values: UsedValue[];
  met: string[];
  notMet: string[];
  missing: string[];
  suggestions: SuggestionRequest[];
  /** Which MDEs are met, as letters (C, R, A, B, SLiM) for the summary. */
  mdeMet: string[];
}

/** Pure classification inputs (canonical units); imaging undefined = not coded (C-4). */
export interface PcdInput {
  mde: { C: MdeResult; R: MdeResult; A: MdeResult; B: MdeResult; SLiM: MdeResult };
  bmpc?: number;
  serumM?: number;
  urineM?: number;
  /** κ/λ (lab ratio, else computed). */
  flcRatio?: number;
  plasmacytoma?: PlasmacytomaSite;
  al: boolean;
  /** Skeletal CT and whole-body MRI show no lesion besides the biopsied one (solitary plasmacytoma); undefined = not available. */
  noFurtherLesions?: { ct: boolean; mri: boolean };
}

/** LOINC per concept for the order-the-test suggestion (B.1, VERIFIED/ACCEPTED). */
export const ORDERABLE_LOINC: Record<string, string> = {
  'lab:calcium-corrected': '29265-6',
  'lab:creatinine': '14682-9',
  'lab:egfr': '98979-8',
  'lab:hb': '718-7',
  'lab:bmpc': '11118-7',
  'lab:flc-kappa': '36916-5',
  'lab:flc-lambda': '33944-0',
  'lab:flc-ratio': '48378-4',
  'lab:mprotein': '33358-3',
  'lab:mprotein-urine-24h': '42482-0',
  'lab:pth': '2731-8',
};

const uniq = (xs: string[]): string[] => [...new Set(xs)];

export function classifyPcd(input: PcdInput): Omit<PcdAssessment, 'values' | 'suggestions'> {
  const { mde, bmpc, serumM, urineM, flcRatio, plasmacytoma, al } = input;
  const parts = [mde.C, mde.R, mde.A, mde.B, mde.SLiM];
  const mdeStatus = anyOf(parts.map((p) => p.status));
  const mdeMet = (['C', 'R', 'A', 'B', 'SLiM'] as const).filter((k) => mde[k].status === 'met');
  const met = parts.flatMap((p) => p.met);
  const notMet = parts.flatMap((p) => p.notMet);
  const mdeMissing = parts.flatMap((p) => p.missing);
  const base = { mde, mdeStatus, mdeMet, ...(bmpc !== undefined ? { bmpc } : {}), ...(plasmacytoma ? { plasmacytoma } : {}) };
  const done = (outcome: PcdOutcome, missing: string[] = [], extraMet: string[] = [], extraNotMet: string[] = []) => ({
    ...base,
    outcome,
    met: uniq([...extraMet, ...met]),
    notMet: uniq([...extraNotMet, ...notMet]),
    missing: uniq(missing),
  });
  const bmpcGe10 = bmpc !== undefined && ge(bmpc, BMPC_AT_LEAST_PCT);
  const marrow = bmpcGe10 ? [CLS_CRITERIA.bmpcGe10] : [];
  const site = plasmacytoma ? [CLS_CRITERIA.plasmacytoma] : [];

  // «≥10 % klonale plasmaceller i benmarg eller biopsiverifisert plasmacytom … og minst ett myelomatosedefinerende kriterium»
  if (mdeStatus === 'met') {
    if (bmpcGe10 || plasmacytoma) return done('active', [], [...marrow, ...site]);
    if (bmpc === undefined) return done('active-possible', ['lab:bmpc']);
    return done('mde-without-marrow-criterion', mdeMissing, [], [CLS_CRITERIA.bmpcGe10, CLS_CRITERIA.plasmacytoma]);
  }

  // Smouldering arm: «Serum M-komponent ≥30 g/L og/eller urin M-komponent ≥500 mg per 24 t og/eller klonale plasmaceller i benmarg 10–59 %».
  // Urine may be omitted when a serum M-component or FLC can be followed («kan i rutinepraksis utelates»).
  const urineOmittable = serumM !== undefined || flcRatio !== undefined;
  const arm = {
    serum: serumM === undefined ? 'unknown' : ge(serumM, SERUM_M_AT_LEAST_G_L) ? 'met' : 'not-met',
    urine: urineM === undefined ? (urineOmittable ? 'not-met' : 'unknown') : ge(urineM, URINE_M_AT_LEAST_MG_24H) ? 'met' : 'not-met',
    marrow: bmpc === undefined ? 'unknown' : bmpcGe10 ? 'met' : 'not-met',
  } as const;
  const smmArm = anyOf([arm.serum, arm.urine, arm.marrow]);
  const armMet = [
    ...(arm.serum === 'met' ? [CLS_CRITERIA.serumMGe30] : []),
    ...(arm.urine === 'met' ? [CLS_CRITERIA.urineMGe500] : []),
    ...(arm.marrow === 'met' ? [CLS_CRITERIA.bmpc10to59] : []),
  ];
  const urineNote = urineM === undefined && urineOmittable ? [CLS_CRITERIA.urineOmitted] : [];

  if (smmArm === 'met') {
    if (al) return done('none');
    // «Ingen myelomatosedefinerende kriterier»: asserted only when every CRAB and SLiM item is evaluable.
    if (mdeStatus === 'not-met') return done('smouldering', [], [...armMet, CLS_CRITERIA.noAl], urineNote);
    return done('smouldering-vs-active', [...mdeMissing, ...(bmpc === undefined ? ['lab:bmpc'] : [])], [...armMet, CLS_CRITERIA.noAl], urineNote);
  }

  if (plasmacytoma) {
    // «CT skjelett og MR helkropp viser ingen ytterligere lesjoner. Ingen myelomatosedefinerende kriterier oppfylt.»
    const imagingMissing = input.noFurtherLesions ? [] : [FURTHER_CT, FURTHER_MRI];
    const confirmed = input.noFurtherLesions?.ct === true && input.noFurtherLesions.mri === true && mdeStatus === 'not-met';
    if (confirmed) return done('solitary-plasmacytoma', [], site);
    return done('solitary-plasmacytoma-unconfirmed', [...imagingMissing, ...mdeMissing], site);
  }

  if (smmArm === 'unknown' && arm.serum === 'unknown') {
    return done('unclassified', [...(bmpc === undefined ? ['lab:bmpc'] : []), 'lab:mprotein', ...mdeMissing]);
  }

  // MGUS: «<10 % klonale plasmaceller», a clonal marker, «Fyller ikke noen myelomatosedefinerende kriterier».
  const detectable = serumM !== undefined && serumM > 0;
  const flcAbnormal = flcRatio !== undefined && (lt(flcRatio, FLC_RATIO_LOW) || flcRatio - FLC_RATIO_HIGH > 1e-9);
  const marker = [...(detectable ? [CLS_CRITERIA.mDetectable] : []), ...(flcAbnormal ? [CLS_CRITERIA.flcAbnormal] : [])];
  if (marker.length === 0) {
    if (flcRatio === undefined) return done('mgus-not-evaluable', ['lab:flc-ratio']);
    return done('none');
  }
  // Proposal: for MGUS the laboratory MDEs (C, R, A, SLiM's marrow and FLC arms) must be evaluable; bone
  // imaging and MRI are not, because without ≥10 % plasma cells or a biopsy-proven plasmacytoma they
  // cannot make the disease active, and the low-risk work-up has no imaging. The card says so.
  const labMissing = [mde.C, mde.R, mde.A].flatMap((p) => p.missing).concat(mde.SLiM.missing.filter((m) => m !== WB_MRI));
  const missing = [...(bmpc === undefined ? ['lab:bmpc'] : []), ...labMissing];
  const extraMet = [...(bmpc !== undefined ? [CLS_CRITERIA.bmpcLt10] : []), ...marker];
  if (missing.length > 0) return done('mgus-not-evaluable', missing, extraMet, urineNote);
  return done('mgus', [], extraMet, [...urineNote, CLS_CRITERIA.imagingNotCoded]);
}

function plasmacytomaSite(snapshot: PatientSnapshot): PlasmacytomaSite | undefined {
  if (currentConditions(snapshot, [PLASMACYTOMA_BONE]).length > 0) return 'bone';
  if (currentConditions(snapshot, [PLASMACYTOMA_EXTRAMEDULLARY]).length > 0) return 'extramedullary';
  return undefined;
}

/** A.1 trigger: a myeloma-spectrum condition (A.0.8), or M-protein / FLC results on record. */
export function inClassificationScope(snapshot: PatientSnapshot): boolean {
  if (currentConditions(snapshot, MYELOMA_SCOPE_CONCEPTS).length > 0) return true;
  return ['lab:mprotein', 'lab:mprotein-urine-24h', 'lab:flc-kappa', 'lab:flc-lambda', 'lab:flc-ratio'].some((c) => (snapshot.labs[c] ?? []).length > 0);
}

export function readPoint(snapshot: PatientSnapshot, now: Date): { at: ReadPoint; diagnosis: UsedValue[] } {
  const dx = earliestDiagnosis(currentConditions(snapshot, MYELOMA_SCOPE_CONCEPTS));
  const start = therapyStart(snapshot, now);
  return {
    at: { ...(dx ? { diagnosisDate: dx.date } : {}), ...(start ? { therapyStart: start } : {}), now },
    diagnosis: dx ? [usedCondition(dx.condition, dx.date)] : [],
  };
}

/**
 * Five classify-* rules (and workup-level) ask for the same assessment of the same snapshot: it is
 * computed once per snapshot and clock. Snapshots are never mutated after they are built, and the
 * WeakMap lets the entry go with the snapshot.
 */
const assessed = new WeakMap<PatientSnapshot, Map<number, PcdAssessment | undefined>>();

/** The whole assessment from a snapshot, or undefined when the patient is out of scope (MD-scope). */
export function assessPcd(snapshot: PatientSnapshot, now: Date): PcdAssessment | undefined {
  let byTime = assessed.get(snapshot);
  if (!byTime) assessed.set(snapshot, (byTime = new Map<number, PcdAssessment | undefined>()));
  if (byTime.has(now.getTime())) return byTime.get(now.getTime());
  const result = assessPcdUncached(snapshot, now);
  byTime.set(now.getTime(), result);
  return result;
}

function assessPcdUncached(snapshot: PatientSnapshot, now: Date): PcdAssessment | undefined {
  if (!inClassificationScope(snapshot)) return undefined;
  const { at, diagnosis } = readPoint(snapshot, now);
  const lab = (concept: string, unit: string): LabValue | undefined => readLab(snapshot, concept, unit, at);
  const bmpc = lab('lab:bmpc', '%');
  const clonalBmpc = lab('lab:bmpc-clonal', '%');
  const clonalFinding = readFinding(snapshot, 'obs:bm-clonal-plasma-cells', at);
  const clonality = clonalFinding?.valueConcepts.includes('answer:absent') ? 'absent' : clonalFinding?.valueConcepts.includes('answer:present') ? 'present' : undefined;
  const serumM = lab('lab:mprotein', 'g/L');
  const urineM = lab('lab:mprotein-urine-24h', 'mg/(24.h)');
  const ratio = lab('lab:flc-ratio', '{ratio}');
  const kappa = lab('lab:flc-kappa', 'mg/L');
  const lambda = lab('lab:flc-lambda', 'mg/L');
  const flcRatio = ratio?.value ?? (kappa && lambda && lambda.value > 0 ? kappa.value / lambda.value : undefined);
  const mde: PcdInput['mde'] = {
    C: assessHypercalcaemia(snapshot, at),
    R: assessRenal(snapshot, at),
    A: assessAnaemia(snapshot, at),
    B: assessBone(snapshot, at),
    SLiM: assessSlim(snapshot, at),
  };
  const site = plasmacytomaSite(snapshot);
  let noFurtherLesions: PcdInput['noFurtherLesions'];
  if (site) {
    // For a plasmacytoma the imaging question is «ingen ytterligere lesjoner»: the plasmacytoma itself
    // is a lesion, so B and the MRI arm of SLiM are judged on the lesions besides it (C-4: coded only).
    const ct = readFinding(snapshot, FURTHER_CT, at);
    const mri = readFinding(snapshot, FURTHER_MRI, at);
    const absent = (o: typeof ct): boolean | undefined =>
      o?.valueConcepts.includes('answer:absent') ? true : o?.valueConcepts.includes('answer:present') ? false : undefined;
    const ctNone = absent(ct);
    const mriNone = absent(mri);
    if (ctNone !== undefined) mde.B = result(ctNone ? 'not-met' : 'met', { [ctNone ? 'notMet' : 'met']: [B_CRITERIA.lyticLesion], values: usedFinding(ct, ctNone ? '0' : '≥1') });
    if (mriNone !== undefined) mde.SLiM = assessSlim(snapshot, at, { focalLesionSizesMm: mriNone ? [] : [5, 5] });
    if (ctNone !== undefined && mriNone !== undefined) noFurtherLesions = { ct: ctNone, mri: mriNone };
  }
  const r = classifyPcd({
    ...(noFurtherLesions ? { noFurtherLesions } : {}),
    mde,
    ...(bmpc ? { bmpc: bmpc.value } : {}),
    ...(serumM ? { serumM: serumM.value } : {}),
    ...(urineM ? { urineM: urineM.value } : {}),
    ...(flcRatio !== undefined ? { flcRatio } : {}),
    ...(site ? { plasmacytoma: site } : {}),
    al: currentConditions(snapshot, [AL]).length > 0,
  });
  // Once anti-myeloma therapy has started the work-up is over: a classification that cannot be
  // completed from the pre-treatment values is not actionable (tests ordered now would measure the
  // response, not the disease at diagnosis), so only a definite classification is shown then.
  if (at.therapyStart && !DEFINITE_OUTCOMES.has(r.outcome)) r.outcome = 'none';
  const seen = new Set<string>();
  const values = [
    ...diagnosis,
    ...used(serumM),
    ...used(urineM),
    ...[mde.C, mde.R, mde.A, mde.B, mde.SLiM].flatMap((p) => p.values),
  ].filter((v) => {
    const key = `${v.concept}|${v.source?.id ?? ''}|${String(v.value)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const suggestions: SuggestionRequest[] = r.missing
    .filter((m) => ORDERABLE_LOINC[m] !== undefined)
    .map((concept) => ({ template: 'order-lab', params: { concept, loinc: ORDERABLE_LOINC[concept] as string } }));
  if (mde.C.status === 'met') suggestions.push({ template: 'order-lab', params: { concept: 'lab:pth', loinc: '2731-8' } });
  return {
    ...r,
    values: [...values, ...used(clonalBmpc)],
    suggestions,
    ...(clonalBmpc ? { clonalBmpc: clonalBmpc.value } : {}),
    ...(clonality ? { clonality } : {}),
  };
}

/** The finding a classify-* rule makes from the shared assessment. */
export function pcdFinding(
  ruleId: string,
  outcome: 'fired' | 'not-evaluable',
  variant: string,
  a: PcdAssessment,
  params: Record<string, string | number> = {},
  extraSuggestions: SuggestionRequest[] = [],
): Finding {
  const suggestions = [...a.suggestions, ...extraSuggestions];
  return {
    ruleId,
    outcome,
    subject: 'patient',
    variant,
    params: { mde: a.mdeMet.length > 0 ? a.mdeMet.join(', ') : '–', ...params },
    values: a.values,
    missing: outcome === 'not-evaluable' ? a.missing : [],
    ...(a.met.length > 0 ? { criteriaMet: a.met } : {}),
    ...(a.notMet.length > 0 ? { criteriaNotMet: a.notMet } : {}),
    ...(suggestions.length > 0 ? { suggestions } : {}),
  };
}
