import type { EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { patientNotEvaluable } from '../support/findings.js';
import { currentConditions, inMyelomaScope, usedCondition } from '../support/conditions.js';
import { MYELOMA_SCOPE_CONCEPTS } from '../../terminology/concepts.js';
import { assessPcd, readPoint } from './context.js';
import { gt, readLab, used } from './mde-criteria.js';
import { assessBone } from './mde-bone.js';
import { readFish, usedFish } from '../support/fish-panel.js';
import { everPositive, readIsotype, usedFlag, usedIsotype } from '../workup/context.js';

// Catalogue A.1 `pcd-igm-myeloma-vs-waldenstrom`. Seed [003] «Avgrensing mot andre relevante
// sykdommer», «Mb Waldenström»: «MYD88 L265P-mutasjonen er bare til stede i Mb Waldenström»;
// «Translokasjoner i kromosom 14 og osteolytiske lesjoner er bare til stede ved myelomatose. Ved
// IgM-myelomatose er t(11;14) den vanligste.»; «Hvis ikke noe av dette er til stede, må man basere seg
// på patologens vurdering»; «klonale plasmaceller er CD20-positive … CD20-antistoffer kan være nyttig».

export const RULE_ID = 'pcd-igm-myeloma-vs-waldenstrom';

export const MYD88 = 'obs:myd88-l265p';
export const CD20 = 'obs:cd20-plasma-cells';
const IGM = 'lab:igm';
/** FISH findings that are chromosome 14 (IGH) translocations. */
export const CHR14_TRANSLOCATIONS: readonly string[] = ['fish:t11-14', 'fish:t4-14', 'fish:t14-16', 'fish:t14-20'];
/** Missing-list key (card label) for "no FISH result for any chromosome 14 translocation". */
export const MISSING_FISH = 'fish-chr14';

/** Classification outcomes that place the patient in the myeloma spectrum without a coded diagnosis. */
const SPECTRUM_OUTCOMES = new Set(['active', 'smouldering', 'mgus', 'solitary-plasmacytoma', 'smouldering-vs-active', 'active-possible']);

export const C = {
  igmTyped: 'igm-typed',
  igmRaised: 'igm-raised-with-m',
  myd88Positive: 'myd88-positive',
  myd88Negative: 'myd88-negative',
  chr14Present: 'chr14-translocation',
  chr14Absent: 'no-chr14-translocation',
  t1114: 't11-14-most-common',
  lytic: 'lytic-lesion',
  lyticNotCoded: 'lytic-lesions-not-coded',
  cd20Positive: 'cd20-positive',
  cd20Negative: 'cd20-negative',
  cd20Unknown: 'cd20-not-reported',
  myd88NotReported: 'myd88-not-reported',
  fishNotReported: 'fish-not-reported',
} as const;

export type IgmReading = 'waldenstrom' | 'myeloma' | 'conflicting' | 'pathologist';

/** Pure decision on the three seed markers; undefined = a marker needed for the answer is missing. */
export function readIgm(myd88: boolean | undefined, chr14: boolean | undefined, lytic: boolean | undefined): IgmReading | undefined {
  const myeloma = chr14 === true || lytic === true;
  if (myd88 === true && myeloma) return 'conflicting';
  if (myd88 === true) return 'waldenstrom';
  if (myeloma) return 'myeloma';
  // «Hvis ikke noe av dette er til stede»: MYD88 and FISH must both be known to say so.
  if (myd88 === false && chr14 === false) return 'pathologist';
  return undefined;
}

/** IgM M-protein: typed as IgM, or IgM above the lab's upper limit together with an M-protein. */
function igmMprotein(snapshot: PatientSnapshot, now: Date): { criterion: string; values: UsedValue[] } | undefined {
  const isotype = readIsotype(snapshot, now);
  if (isotype?.heavy.includes('IgM')) return { criterion: C.igmTyped, values: [usedIsotype(isotype)] };
  if (isotype && isotype.heavy.length > 0) return undefined;
  const { at } = readPoint(snapshot, now);
  const igm: LabValue | undefined = readLab(snapshot, IGM, 'g/L', at);
  const m = readLab(snapshot, 'lab:mprotein', 'g/L', at);
  const high = igm?.referenceRange?.high;
  if (igm && m && m.value > 0 && high !== undefined && gt(igm.value, high)) return { criterion: C.igmRaised, values: [...used(igm), ...used(m)] };
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const igm = igmMprotein(snapshot, ctx.now);
  if (!igm) return [];
  const pcd = inMyelomaScope(snapshot) ? undefined : assessPcd(snapshot, ctx.now);
  if (!inMyelomaScope(snapshot) && !(pcd && SPECTRUM_OUTCOMES.has(pcd.outcome))) return [];

  const values: UsedValue[] = [...currentConditions(snapshot, MYELOMA_SCOPE_CONCEPTS).map((c) => usedCondition(c)), ...igm.values];
  const met: string[] = [igm.criterion];
  const notMet: string[] = [];
  const missing: string[] = [];

  const myd88 = everPositive(snapshot, MYD88, ctx.now);
  if (myd88) {
    values.push(usedFlag(MYD88, myd88, '+', '−'));
    (myd88.value ? met : notMet).push(myd88.value ? C.myd88Positive : C.myd88Negative);
  } else missing.push(MYD88);

  const fish = CHR14_TRANSLOCATIONS.map((concept) => ({ concept, reading: readFish(snapshot, concept, ctx.now) })).filter((f) => f.reading.status);
  for (const f of fish) {
    const v = usedFish(f.concept, f.reading);
    if (v) values.push(v);
  }
  const present = fish.filter((f) => f.reading.status === 'present');
  const chr14 = fish.length === 0 ? undefined : present.length > 0;
  if (chr14 === undefined) missing.push(MISSING_FISH);
  else if (chr14) met.push(C.chr14Present, ...(present.some((f) => f.concept === 'fish:t11-14') ? [C.t1114] : []));
  else notMet.push(C.chr14Absent);

  // Lytic lesions come only from coded imaging (C-4); without it they are not evaluated.
  const bone = assessBone(snapshot);
  const lytic = bone.status === 'unknown' ? undefined : bone.status === 'met';
  if (lytic === true) met.push(C.lytic);
  else if (lytic === undefined) notMet.push(C.lyticNotCoded);

  const reading = readIgm(myd88?.value, chr14, lytic);
  const suggestions: SuggestionRequest[] = [
    ...(missing.includes(MYD88) ? [{ template: 'order-myd88' }] : []),
    ...(missing.includes(MISSING_FISH) ? [{ template: 'order-fish' }] : []),
  ];
  if (!reading) {
    return [patientNotEvaluable(RULE_ID, values, missing, { criteriaMet: met, ...(notMet.length > 0 ? { criteriaNotMet: notMet } : {}), suggestions })];
  }
  let variant: string = reading;
  if (reading === 'myeloma' || reading === 'pathologist') {
    // «Hvis konklusjonen er at det er myelomatose, men pasientens klonale plasmaceller er CD20-positive …»
    const cd20 = everPositive(snapshot, CD20, ctx.now);
    if (cd20) values.push(usedFlag(CD20, cd20, '+', '−'));
    if (cd20?.value) {
      met.push(C.cd20Positive);
      if (reading === 'myeloma') variant = 'myeloma-cd20';
    } else notMet.push(cd20 ? C.cd20Negative : C.cd20Unknown);
  }
  // A decisive marker answered; the other, when not reported, is named in the detail and offered.
  if (missing.includes(MYD88)) notMet.push(C.myd88NotReported);
  if (missing.includes(MISSING_FISH)) notMet.push(C.fishNotReported);
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant,
      params: {},
      values,
      missing: [],
      criteriaMet: met,
      ...(notMet.length > 0 ? { criteriaNotMet: notMet } : {}),
      ...(suggestions.length > 0 ? { suggestions } : {}),
    },
  ];
}

export const pcdIgmMyelomaVsWaldenstrom: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations'],
  evaluate,
};
