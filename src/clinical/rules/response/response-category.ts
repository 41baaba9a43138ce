import type { EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { currentConditions } from '../support/conditions.js';
import { assessProgression, usedAssessment } from './progression-biochemical.js';
import { assessClinicalRelapse } from './relapse-clinical.js';
import {
  BMPC,
  BM_CLONAL_PC,
  DFLC,
  MEASURABLE_INVOLVED_FLC_MG_L,
  MRD_FLOW,
  SERUM_IFE,
  SERUM_IMMUNOSUBTRACTION,
  SERUM_M,
  URINE_IFE,
  URINE_M,
  antiMyelomaExposures,
  dflcSeries,
  flcPairs,
  flcRatioAt,
  inResponseScope,
  labSeries,
  latestQualitative,
  mrdResults,
  reductionPercent,
  serumMeasurable,
  therapyStart,
  urineMeasurable,
  usedPoint,
  usedQualitative,
  type Point,
  type QualitativeReading,
  type Series,
} from './context.js';

// Catalogue A.5 `response-category`, seed [003] «Tabell 8.2 Definisjon av responskategorier»:
// the best category whose criteria are all satisfied, evaluated from the top, baseline → latest.

export const RULE_ID = 'response-category';

/** CR: «≤5 % plasmaceller i benmarg» */
export const CR_BMPC_AT_MOST_PERCENT = 5;
/** VGPR: «≥90 % reduksjon av serum M-komponent og urin M-komponent <100 mg/ 24 timer» */
export const VGPR_SERUM_REDUCTION_PERCENT = 90;
export const VGPR_URINE_BELOW_MG_24H = 100;
/** VGPR: «reduksjon av … (dFLC) >90 %» */
export const VGPR_DFLC_REDUCTION_ABOVE_PERCENT = 90;
/** PR: «≥50 % reduksjon av serum M-komponent og reduksjon av 24 timers urin M-komponent med ≥90 % eller <200 mg/24 timer» */
export const PR_SERUM_REDUCTION_PERCENT = 50;
export const PR_URINE_REDUCTION_PERCENT = 90;
export const PR_URINE_BELOW_MG_24H = 200;
/** PR: «reduksjon av dFLC >50 %» */
export const PR_DFLC_REDUCTION_ABOVE_PERCENT = 50;
/** PR: «≥50 % reduksjon av antall plasmaceller i benmargen, forutsatt at baseline plasmacelleandel var ≥30 %» */
export const PR_BMPC_REDUCTION_PERCENT = 50;
export const PR_BMPC_BASELINE_AT_LEAST_PERCENT = 30;
/** MR: «≥25% reduksjon av serum M-komponent og reduksjon av 24-timers urin M-komponent med >50%» */
export const MR_SERUM_REDUCTION_PERCENT = 25;
export const MR_URINE_REDUCTION_ABOVE_PERCENT = 50;
/** MR: «reduksjon av dFLC >25%» */
export const MR_DFLC_REDUCTION_ABOVE_PERCENT = 25;

export type Category = 'MRD-negative' | 'sCR' | 'CR' | 'VGPR' | 'PR' | 'MR' | 'SD' | 'PD';
/** Which parameter the response is measured on («i den kategorien prøver man evaluerer»). */
export type ResponsePath = 'm' | 'flc' | 'bmpc';

/** Missing-item keys that are not terminology concepts (named by the card file's labels). */
export const MISSING = {
  therapyStart: 'therapy-start',
  serumBaseline: 'serum-m-baseline',
  flcBaseline: 'flc-baseline',
  followUp: 'follow-up-value',
  measurable: 'measurable-disease',
  empSize: 'emp-size',
} as const;

type Tri = boolean | undefined;
const and3 = (...xs: Tri[]): Tri => (xs.some((x) => x === false) ? false : xs.some((x) => x === undefined) ? undefined : true);
const or3 = (...xs: Tri[]): Tri => (xs.some((x) => x === true) ? true : xs.some((x) => x === undefined) ? undefined : false);
const atLeast = (v: number | undefined, t: number): Tri => (v === undefined ? undefined : v >= t);
const above = (v: number | undefined, t: number): Tri => (v === undefined ? undefined : v > t);
const below = (v: number | undefined, t: number): Tri => (v === undefined ? undefined : v < t);

export interface CategoryResult {
  category?: Category;
  /** Items whose absence keeps a higher category (or any category) from being decided. */
  missing: string[];
  met: string[];
  notMet: string[];
  values: UsedValue[];
  /** Serum M-protein is gone on electrophoresis but immunofixation is not on record. */
  needsIfe: boolean;
}

function after(r: QualitativeReading | undefined, start: Date): QualitativeReading | undefined {
  return r && r.date.getTime() >= start.getTime() ? r : undefined;
}

/** The newest value taken after baseline: a response value, not the baseline itself. */
function followUp(series: Series): Point | undefined {
  const latest = series.latest;
  if (!latest || !series.baseline || latest.date.getTime() <= series.baseline.date.getTime()) return undefined;
  return latest;
}

export function classifyResponse(snapshot: PatientSnapshot, now: Date): CategoryResult | undefined {
  const exposures = antiMyelomaExposures(snapshot);
  if (exposures.length === 0) return undefined;
  const start = therapyStart(snapshot, now);
  const missing = new Set<string>();
  const met: string[] = [];
  const notMet: string[] = [];
  const values: UsedValue[] = [];
  const record = (key: string, v: Tri): void => {
    if (v === true) met.push(key);
    else if (v === false) notMet.push(key);
  };
  const result = (category?: Category, needsIfe = false): CategoryResult => ({
    ...(category ? { category } : {}),
    missing: [...missing],
    met,
    notMet,
    values,
    needsIfe,
  });

  // PD first: progression overrides any earlier response (Tabell 8.2 PD row, incl. new CRAB).
  const progression = assessProgression(snapshot, now);
  const crab = assessClinicalRelapse(snapshot, now);
  // CRAB counts for PD only with clonal progression or lesions (relapse-clinical's confirmed findings).
  const crabNew = crab.confirmed.filter((f) => f !== 'hyperviscosity');
  if (progression.pd || crabNew.length > 0) {
    for (const p of progression.parameters) if (p.status === 'pd') values.push(...usedAssessment(p));
    if (progression.pd) met.push('pd-clonal');
    if (crabNew.length > 0) {
      met.push('pd-crab');
      values.push(...crab.values);
    }
    return result('PD');
  }

  if (!start) {
    missing.add(MISSING.therapyStart);
    return result();
  }
  if (currentConditions(snapshot, ['cond:extramedullary-plasmacytoma']).length > 0) {
    // Every category from MR up has a plasmacytoma-size criterion the snapshot cannot carry.
    missing.add(MISSING.empSize);
    return result();
  }

  const serum = labSeries(snapshot, SERUM_M, now, start);
  const urine = labSeries(snapshot, URINE_M, now, start);
  const dflc = dflcSeries(snapshot, now, start);
  const bmpc = labSeries(snapshot, BMPC, now, start);
  for (const s of [serum, urine, dflc]) {
    if (s.baseline) values.push(usedPoint(s.baseline, `${s.concept}-baseline`));
    const f = followUp(s);
    if (f) values.push(usedPoint(f, `${s.concept}-latest`));
  }

  const serumState = serumMeasurable(serum.baseline);
  const urineState = urineMeasurable(urine.baseline);
  const baselineRatio = dflc.baseline ? flcRatioAt(snapshot, now, dflc.baseline.date) : undefined;
  const flcState =
    dflc.involvedAtBaseline === undefined
      ? 'missing'
      : dflc.involvedAtBaseline.value >= MEASURABLE_INVOLVED_FLC_MG_L && baselineRatio?.state === 'abnormal'
        ? 'measurable'
        : 'not-measurable';

  let path: ResponsePath;
  if (serumState === 'measurable' || urineState === 'measurable') path = 'm';
  else if (serumState === 'missing' || flcState === 'missing') {
    if (serumState === 'missing') missing.add(MISSING.serumBaseline);
    if (flcState === 'missing') missing.add(MISSING.flcBaseline);
    return result();
  } else if (flcState === 'measurable') path = 'flc';
  else path = 'bmpc';

  const serumLatest = followUp(serum);
  const urineLatest = followUp(urine);
  const bmpcLatest = followUp(bmpc) ?? (bmpc.latest && bmpc.latest.date.getTime() > start.getTime() ? bmpc.latest : undefined);
  if (bmpcLatest) values.push(usedPoint(bmpcLatest, `${BMPC}-latest`));

  // CR: «Negativ immunfiksasjon på serum og urinelektroforese … ≤5 % plasmaceller i benmarg.
  // Hvis pasienten følges med lettkjedemålinger: normal lettkjederatio.»
  const serumIfe = after(latestQualitative(snapshot, SERUM_IFE, now), start);
  const urineIfe = after(latestQualitative(snapshot, URINE_IFE, now), start);
  const subtraction = after(latestQualitative(snapshot, SERUM_IMMUNOSUBTRACTION, now), start);
  if (serumIfe) values.push(usedQualitative(SERUM_IFE, serumIfe));
  if (urineIfe) values.push(usedQualitative(URINE_IFE, urineIfe));
  const ratio = flcRatioAt(snapshot, now);
  const ratioNow = ratio && ratio.date.getTime() > start.getTime() ? ratio : undefined;
  if (ratioNow) values.push({ concept: 'lab:flc-ratio', value: ratioNow.value, unit: '{ratio}', date: ratioNow.date, ...(ratioNow.source ? { source: ratioNow.source } : {}) });
  const followedByFlc = path === 'flc' || flcPairs(snapshot, now).some((p) => p.date.getTime() > start.getTime()) || ratioNow !== undefined;

  const mGone: Tri = serumLatest === undefined ? (serum.baseline ? undefined : true) : serumLatest.value === 0;
  const serumIfeNeg: Tri = serumIfe ? serumIfe.result === 'negative' : undefined;
  const urineIfeNeg: Tri = urineIfe ? urineIfe.result === 'negative' : undefined;
  const bmpcCr: Tri = bmpcLatest ? bmpcLatest.value <= CR_BMPC_AT_MOST_PERCENT : undefined;
  const ratioCr: Tri = followedByFlc ? (ratioNow ? ratioNow.state === 'normal' : undefined) : true;
  const cr = and3(mGone, serumIfeNeg, urineIfeNeg, bmpcCr, ratioCr);
  record('cr-ife-serum', serumIfeNeg);
  record('cr-ife-urine', urineIfeNeg);
  record('cr-bmpc', bmpcCr);
  if (followedByFlc) record('cr-flc-ratio', ratioCr);
  const crMissing = (): void => {
    if (serumIfeNeg === undefined) {
      missing.add(SERUM_IFE);
      if (subtraction) notMet.push('ife-method');
    }
    if (urineIfeNeg === undefined) missing.add(URINE_IFE);
    if (bmpcCr === undefined) missing.add(BMPC);
    if (ratioCr === undefined) missing.add('lab:flc-ratio');
  };

  if (cr === true) {
    const mrd = mrdResults(snapshot, now).find((r) => r.date.getTime() >= start.getTime());
    if (mrd) values.push(usedQualitative(MRD_FLOW, mrd));
    const mrdNeg: Tri = mrd ? mrd.result === 'negative' : undefined;
    record('mrd-negative', mrdNeg);
    if (mrdNeg === true) return result('MRD-negative');
    if (mrdNeg === undefined) missing.add(MRD_FLOW);
    const clonal = after(latestQualitative(snapshot, BM_CLONAL_PC, now), start);
    if (clonal) values.push(usedQualitative(BM_CLONAL_PC, clonal));
    const noClonal: Tri = clonal ? clonal.result === 'negative' : undefined;
    const ratioNormal: Tri = ratioNow ? ratioNow.state === 'normal' : undefined;
    const scr = and3(ratioNormal, noClonal);
    record('scr-no-clonal-pc', noClonal);
    if (scr === true) return result('sCR');
    if (noClonal === undefined) missing.add(BM_CLONAL_PC);
    if (ratioNormal === undefined) missing.add('lab:flc-ratio');
    return result('CR');
  }
  if (cr === undefined) crMissing();

  let vgpr: Tri;
  let pr: Tri;
  let mr: Tri;
  if (path === 'm') {
    const serumRed = serumState === 'measurable' ? reductionPercent({ ...serum, ...(serumLatest ? { latest: serumLatest } : {}) }) : undefined;
    const urineRed = urineState === 'measurable' && urineLatest ? reductionPercent({ ...urine, latest: urineLatest }) : undefined;
    const serumApplies = serumState === 'measurable';
    const urineApplies = urineState === 'measurable';
    if (serumApplies && serumLatest === undefined) missing.add(SERUM_M);
    if (urineApplies && urineLatest === undefined) missing.add(URINE_M);
    const serumAt = (t: number): Tri => (serumApplies ? atLeast(serumRed, t) : true);
    const onlyByIfe: Tri =
      serumLatest === undefined
        ? undefined
        : serumLatest.value > 0
          ? false
          : and3(serumIfe ? serumIfe.result === 'positive' : undefined, urineApplies ? (urineLatest ? urineLatest.value === 0 : undefined) : true);
    vgpr = or3(and3(serumAt(VGPR_SERUM_REDUCTION_PERCENT), urineApplies ? below(urineLatest?.value, VGPR_URINE_BELOW_MG_24H) : true), onlyByIfe);
    pr = and3(
      serumAt(PR_SERUM_REDUCTION_PERCENT),
      urineApplies ? or3(atLeast(urineRed, PR_URINE_REDUCTION_PERCENT), below(urineLatest?.value, PR_URINE_BELOW_MG_24H)) : true,
    );
    mr = and3(serumAt(MR_SERUM_REDUCTION_PERCENT), urineApplies ? above(urineRed, MR_URINE_REDUCTION_ABOVE_PERCENT) : true);
  } else if (path === 'flc') {
    const latest = followUp(dflc);
    if (!latest) missing.add(DFLC);
    const red = latest ? reductionPercent({ ...dflc, latest }) : undefined;
    vgpr = above(red, VGPR_DFLC_REDUCTION_ABOVE_PERCENT);
    pr = above(red, PR_DFLC_REDUCTION_ABOVE_PERCENT);
    mr = above(red, MR_DFLC_REDUCTION_ABOVE_PERCENT);
  } else {
    // «Hvis serum og urin M-komponent ikke er målbar, og serum FLC også er normal»: marrow only, PR at best.
    const base = bmpc.baseline;
    if (base) values.push(usedPoint(base, `${BMPC}-baseline`));
    if (!base) missing.add(`${BMPC}-baseline`);
    else if (!bmpcLatest) missing.add(BMPC);
    const eligible: Tri = base ? base.value >= PR_BMPC_BASELINE_AT_LEAST_PERCENT : undefined;
    if (eligible === false) {
      missing.add(MISSING.measurable);
      return result();
    }
    const red = base && bmpcLatest ? reductionPercent({ ...bmpc, baseline: base, latest: bmpcLatest }) : undefined;
    vgpr = false;
    pr = and3(eligible, atLeast(red, PR_BMPC_REDUCTION_PERCENT));
    mr = false;
  }
  record('vgpr', vgpr);
  record('pr', pr);
  record('mr', mr);
  const needsIfe = mGone === true && serumIfeNeg === undefined;
  if (vgpr === true) return result('VGPR', needsIfe);
  if (pr === true) return result('PR', needsIfe);
  if (mr === true) return result('MR', needsIfe);
  // C-15: SD = none of sCR, CR, VGPR, PR, MR or PD; an undecided one leaves the category open.
  if (cr === false && vgpr === false && pr === false && mr === false) {
    missing.clear();
    return result('SD');
  }
  return result(undefined, needsIfe);
}

/** Best first: the order in which a response is «better». */
const RANK: readonly Category[] = ['MRD-negative', 'sCR', 'CR', 'VGPR', 'PR', 'MR', 'SD'];
/** Response values: a category is judged at each of their dates. */
const RESPONSE_CONCEPTS = ['lab:mprotein', 'lab:mprotein-urine-24h', 'lab:flc-kappa', 'lab:flc-lambda', 'lab:flc-ratio', 'lab:bmpc'];

/**
 * The best response reached before `before` (the current PD): the category judged at the date of
 * each response value after the therapy start. Best response and current status are separate, so a
 * later PD does not overwrite a PR reached earlier.
 */
export function bestResponseBefore(snapshot: PatientSnapshot, before: Date): Category | undefined {
  const start = therapyStart(snapshot, before);
  if (!start) return undefined;
  const times = new Set<number>();
  for (const concept of RESPONSE_CONCEPTS) {
    for (const v of snapshot.labs[concept] ?? []) {
      const t = v.effective.getTime();
      if (t > start.getTime() && t < before.getTime()) times.add(t);
    }
  }
  let best: number | undefined;
  for (const t of times) {
    const c = classifyResponse(snapshot, new Date(t))?.category;
    const rank = c ? RANK.indexOf(c) : -1;
    if (rank >= 0 && (best === undefined || rank < best)) best = rank;
  }
  return best === undefined ? undefined : RANK[best];
}

/** When the PD was first seen: the clonal progression or the confirmed clinical relapse. */
function progressionDate(snapshot: PatientSnapshot, now: Date): Date {
  const dates = [assessProgression(snapshot, now).date, assessClinicalRelapse(snapshot, now).date].filter((d): d is Date => d !== undefined);
  return dates.sort((a, b) => a.getTime() - b.getTime())[0] ?? now;
}

const ORDER_IFE: Record<string, string> = { [SERUM_IFE]: 'order-ife-serum', [URINE_IFE]: 'order-ife-urine' };

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inResponseScope(snapshot)) return [];
  const r = classifyResponse(snapshot, ctx.now);
  if (!r) return [];
  const criteria = {
    ...(r.met.length ? { criteriaMet: r.met } : {}),
    ...(r.notMet.length ? { criteriaNotMet: r.notMet } : {}),
  };
  // «CR claimed without immunofixation» → offer the immunofixation orders.
  const suggestions: SuggestionRequest[] = r.missing.filter((m) => ORDER_IFE[m]).map((m) => ({ template: ORDER_IFE[m] as string }));
  const withSuggestions = suggestions.length ? { suggestions } : {};
  if (!r.category) {
    return [
      { ruleId: RULE_ID, outcome: 'not-evaluable', subject: 'patient', variant: 'default', params: {}, values: r.values, missing: r.missing, ...criteria, ...withSuggestions },
    ];
  }
  const incomplete = r.missing.length > 0;
  const best = r.category === 'PD' ? bestResponseBefore(snapshot, progressionDate(snapshot, ctx.now)) : undefined;
  const pdVariant = best && best !== 'SD' ? 'PD-after-response' : 'PD';
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: r.category === 'PD' ? pdVariant : incomplete ? 'incomplete' : 'default',
      params: { category: r.category, ...(best && best !== 'SD' ? { best } : {}) },
      values: r.values,
      missing: r.missing,
      ...criteria,
      ...withSuggestions,
      ...(r.category === 'PD' ? { indicator: 'warning' as const } : {}),
    },
  ];
}

export const responseCategory: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations'],
  evaluate,
};
