import type { EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { patientNotEvaluable } from '../support/findings.js';
import { DIAGNOSIS_WINDOW_DAYS } from './stage-iss.js';
import { labNearest, usedLab } from '../support/labs.js';
import { usedCondition } from '../support/conditions.js';
import { orderLab, readFish, stagingScope, usedFish, type FishStatus } from '../support/fish-panel.js';

// Catalogue A.4 `risk-ims-imwg-2024`: cytogenetic/biological high risk per IMS/IMWG 2024, as the
// seed lists it in «Stadieinndeling og prognose» (repeated under CAR-T selection).

export const RULE_ID = 'risk-ims-imwg-2024';

const B2M = 'lab:b2m';
const CREATININE = 'lab:creatinine';

/** «Høy β2-microglobulin (>5,5mg/l) med normal kreatinin (<106)»: strictly above, as printed (C-10). */
export const HIGH_B2M_ABOVE_MG_L = 5.5;
/** «… med normal kreatinin (<106)»: no unit printed; read as µmol/L (C-10). */
export const NORMAL_CREATININE_BELOW_UMOL_L = 106;

/** Every FISH finding the rule reads. */
export const RISK_FISH = [
  'fish:del17p',
  'fish:mono17',
  'fish:tp53-mut',
  'fish:t4-14',
  'fish:t14-16',
  'fish:t14-20',
  'fish:gain1q',
  'fish:amp1q',
  'fish:del1p32-mono',
  'fish:del1p32-bi',
] as const;

/** Missing-list keys (card labels) for lesions that only count as assessed as a pair. */
export const MISSING_1Q = 'fish-1q';
export const MISSING_1P32 = 'fish-1p32';

/** Criterion keys of cards/risk-ims-imwg-2024.json, in the seed's order. */
export const CRITERIA = {
  del17p: 'del17p-mono17',
  tp53: 'tp53-mut',
  translocationWith1q1p: 'igh-translocation-with-1q-or-1p32',
  del1p32Gain1q: 'del1p32-and-gain1q',
  del1p32Bi: 'del1p32-biallelic',
  b2mNormalCreatinine: 'b2m-gt-5.5-creatinine-lt-106',
} as const;

type Tri = boolean | undefined;

function or(...xs: Tri[]): Tri {
  if (xs.includes(true)) return true;
  return xs.every((x) => x === false) ? false : undefined;
}
function and(...xs: Tri[]): Tri {
  if (xs.includes(false)) return false;
  return xs.every((x) => x === true) ? true : undefined;
}

export interface RiskInput {
  fish: Partial<Record<string, FishStatus>>;
  /** mg/L and µmol/L at diagnosis; undefined = not available. */
  b2m?: number;
  creatinine?: number;
}

export interface RiskClassification {
  risk?: 'high' | 'standard';
  met: string[];
  notMet: string[];
  /** What could still change the result (empty when the risk is determined). */
  missing: string[];
  /** High risk given while FISH/TP53 items are unreported (the card notes it). */
  fishIncomplete: boolean;
}

export function classifyRisk(input: RiskInput): RiskClassification {
  const f = (c: string): Tri => (input.fish[c] === undefined ? undefined : input.fish[c] === 'present');
  // Monosomy 17 and del(17p) come from the same 17p/TP53 probe, which the biobank reports as «del17»:
  // a reported-absent del(17p) covers monosomy 17 unless monosomy 17 is reported present (proposal).
  const del17 = f('fish:mono17') === true ? true : f('fish:del17p');
  // amp(1q) counts as gain(1q) (C-11); any del(1p32) counts with gain1q (C-10).
  const gain1q = or(f('fish:gain1q'), f('fish:amp1q'));
  const del1p32 = or(f('fish:del1p32-mono'), f('fish:del1p32-bi'));
  const translocation = or(f('fish:t4-14'), f('fish:t14-16'), f('fish:t14-20'));
  const b2mHigh = input.b2m === undefined ? undefined : input.b2m > HIGH_B2M_ABOVE_MG_L;
  const creatinineNormal = input.creatinine === undefined ? undefined : input.creatinine < NORMAL_CREATININE_BELOW_UMOL_L;

  const criteria: [string, Tri][] = [
    [CRITERIA.del17p, del17],
    [CRITERIA.tp53, f('fish:tp53-mut')],
    [CRITERIA.translocationWith1q1p, and(translocation, or(gain1q, del1p32))],
    [CRITERIA.del1p32Gain1q, and(del1p32, gain1q)],
    [CRITERIA.del1p32Bi, f('fish:del1p32-bi')],
    [CRITERIA.b2mNormalCreatinine, and(b2mHigh, creatinineNormal)],
  ];
  const met = criteria.filter(([, v]) => v === true).map(([k]) => k);
  const notMet = criteria.filter(([, v]) => v === false).map(([k]) => k);

  // Every item not reported, so the card can say what standard risk would need.
  const missing: string[] = [];
  if (del17 === undefined) missing.push('fish:del17p');
  if (f('fish:tp53-mut') === undefined) missing.push('fish:tp53-mut');
  for (const c of ['fish:t4-14', 'fish:t14-16', 'fish:t14-20']) if (f(c) === undefined) missing.push(c);
  if (gain1q === undefined) missing.push(MISSING_1Q);
  if (del1p32 === undefined || f('fish:del1p32-bi') === undefined) missing.push(MISSING_1P32);
  if (input.b2m === undefined) missing.push(B2M);
  else if (b2mHigh && input.creatinine === undefined) missing.push(CREATININE);

  if (met.length > 0) {
    const fishIncomplete = missing.some((m) => m.startsWith('fish'));
    return { risk: 'high', met, notMet, missing: missing.filter((m) => m.startsWith('fish')), fishIncomplete };
  }
  // «Never state standard risk unless FISH … and TP53 are all reported» (catalogue), even where the
  // reported items already rule out every criterion.
  if (notMet.length === criteria.length && missing.length === 0) return { risk: 'standard', met, notMet, missing: [], fishIncomplete: false };
  return { met, notMet, missing, fishIncomplete: false };
}

/** Summary variant of a high-risk card: named after the first criterion met, in the seed's order. */
function highRiskVariant(result: RiskClassification): string {
  const first = result.met[0] as string;
  if (first === CRITERIA.b2mNormalCreatinine && result.fishIncomplete) return `${first}-fish-missing`;
  return first;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const scope = stagingScope(snapshot);
  if (!scope) return [];
  const dxDate = scope.diagnosis?.date;
  const b2m = labNearest(snapshot, B2M, 'mg/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  const creatinine = labNearest(snapshot, CREATININE, 'umol/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  // FISH/TP53 from any time: a lesion found at relapse counts (the seed asks for new FISH/TP53 then).
  const readings = RISK_FISH.map((concept) => ({ concept, reading: readFish(snapshot, concept, ctx.now) }));
  const fish: Partial<Record<string, FishStatus>> = {};
  for (const { concept, reading } of readings) if (reading.status) fish[concept] = reading.status;
  const result = classifyRisk({ fish, ...(b2m ? { b2m: b2m.value } : {}), ...(creatinine ? { creatinine: creatinine.value } : {}) });

  const values: UsedValue[] = [];
  const first = scope.conditions[0];
  if (scope.diagnosis) values.push(usedCondition(scope.diagnosis.condition, scope.diagnosis.date));
  else if (first) values.push(usedCondition(first));
  for (const v of [b2m, creatinine]) if (v) values.push(usedLab(v));
  for (const { concept, reading } of readings) {
    const used = usedFish(concept, reading);
    if (used) values.push(used);
  }
  const criteria = {
    ...(result.met.length > 0 ? { criteriaMet: result.met } : {}),
    ...(result.notMet.length > 0 ? { criteriaNotMet: result.notMet } : {}),
  };
  const suggestions: SuggestionRequest[] = [];
  if (result.missing.some((m) => m.startsWith('fish'))) suggestions.push({ template: 'order-fish-tp53' });
  for (const m of result.missing) {
    const s = orderLab(m);
    if (s) suggestions.push(s);
  }
  const withSuggestions = suggestions.length > 0 ? { suggestions } : {};

  if (result.risk === 'high') {
    return [
      {
        ruleId: RULE_ID,
        outcome: 'fired',
        subject: 'patient',
        variant: highRiskVariant(result),
        params: {},
        values,
        missing: result.missing,
        ...criteria,
        ...withSuggestions,
      },
    ];
  }
  if (result.risk === 'standard') {
    return [{ ruleId: RULE_ID, outcome: 'fired', subject: 'patient', variant: 'standard', params: {}, values, missing: [], ...criteria, indicator: 'info' }];
  }
  return [patientNotEvaluable(RULE_ID, values, result.missing, { ...criteria, ...withSuggestions })];
}

export const riskImsImwg2024: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations'],
  evaluate,
};
