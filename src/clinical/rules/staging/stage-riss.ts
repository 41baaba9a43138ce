import type { EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { DIAGNOSIS_WINDOW_DAYS, ISS_II_REQUIRES_ALBUMIN, classifyIss, type IssStage } from './stage-iss.js';
import { labNearest, usedLab } from '../support/labs.js';
import { usedCondition } from '../support/conditions.js';
import { RISS_FISH, orderLab, readFish, stagingScope, usedFish, type FishStatus } from '../support/fish-panel.js';

// Catalogue A.4 `stage-riss`: revised ISS from ISS, LD against the lab's upper reference limit and
// the three R-ISS FISH lesions. Seed [003] «Revidert-Internasjonalt prognostisk stadium (R-ISS)».

export const RULE_ID = 'stage-riss';

const B2M = 'lab:b2m';
const ALBUMIN = 'lab:albumin';
const LD = 'lab:ld';
/** Missing-list key (card label) for an LD reported without an upper reference limit. */
export const LD_ULN = 'ld-uln';

export type RissStage = 'I' | 'II' | 'III';

/** «5 års overlevelse 82 %» (I), «62 %» (II), «40 %» (III): the seed's 5-year survival per stage. */
export const RISS_FIVE_YEAR_OS_PERCENT: Readonly<Record<RissStage, number>> = { I: 82, II: 62, III: 40 };

/** Criterion keys of cards/stage-riss.json. */
export const CRITERIA = {
  issI: 'iss-i',
  issIII: 'iss-iii',
  ldAboveUln: 'ld-gt-uln',
  hrFish: 'hr-fish',
} as const;

export interface RissInput {
  iss?: IssStage;
  /** LD above the lab's ULN; undefined when LD or its ULN is not available. */
  ldHigh?: boolean;
  /** Per R-ISS FISH lesion; a missing key = not reported. */
  fish: Partial<Record<string, FishStatus>>;
}

export interface RissClassification {
  stage?: RissStage;
  /** When undetermined: the stages still possible (`I-II`, `II-III`), or `unknown` when ISS is unknown. */
  range?: 'I-II' | 'II-III' | 'unknown';
  met: string[];
  notMet: string[];
}

/**
 * The R-ISS table. R-ISS III = ISS III AND (high LD OR high-risk FISH) (C-34); R-ISS I = ISS I AND
 * normal LD AND none of the three lesions; «Verken R-ISS I eller R-ISS III» = II. A stage that
 * missing data could change is not given (never default to II).
 */
export function classifyRiss(input: RissInput): RissClassification {
  const met: string[] = [];
  const notMet: string[] = [];
  const statuses = RISS_FISH.map((c) => input.fish[c]);
  const anyFish = statuses.includes('present');
  const allAbsent = statuses.every((s) => s === 'absent');
  const fishKnown = anyFish || allAbsent;

  if (input.iss) {
    (input.iss === 'I' ? met : notMet).push(CRITERIA.issI);
    (input.iss === 'III' ? met : notMet).push(CRITERIA.issIII);
  }
  if (input.ldHigh !== undefined) (input.ldHigh ? met : notMet).push(CRITERIA.ldAboveUln);
  if (fishKnown) (anyFish ? met : notMet).push(CRITERIA.hrFish);

  const adverse = input.ldHigh === true || anyFish;
  const favourable = input.ldHigh === false && allAbsent;
  switch (input.iss) {
    case undefined:
      return { range: 'unknown', met, notMet };
    case 'II':
      return { stage: 'II', met, notMet };
    case 'I':
      if (favourable) return { stage: 'I', met, notMet };
      if (adverse) return { stage: 'II', met, notMet };
      return { range: 'I-II', met, notMet };
    case 'III':
      if (adverse) return { stage: 'III', met, notMet };
      if (favourable) return { stage: 'II', met, notMet };
      return { range: 'II-III', met, notMet };
  }
}

function ldStatus(ld: LabValue | undefined): boolean | undefined {
  const uln = ld?.referenceRange?.high;
  if (!ld || uln === undefined || !Number.isFinite(uln)) return undefined;
  // «normal LD» / «høy LD» relative to the reporting lab's upper limit (C-34): at the ULN is normal.
  return ld.value > uln;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const scope = stagingScope(snapshot);
  if (!scope) return [];
  const dxDate = scope.diagnosis?.date;
  const b2m = labNearest(snapshot, B2M, 'mg/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  const albumin = labNearest(snapshot, ALBUMIN, 'g/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  const ld = labNearest(snapshot, LD, 'U/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  const iss = classifyIss(b2m?.value, albumin?.value, ISS_II_REQUIRES_ALBUMIN);
  const around = dxDate ? { date: dxDate, windowDays: DIAGNOSIS_WINDOW_DAYS } : undefined;
  const fishReadings = RISS_FISH.map((concept) => ({ concept, reading: readFish(snapshot, concept, ctx.now, around) }));
  const fish: Partial<Record<string, FishStatus>> = {};
  for (const { concept, reading } of fishReadings) if (reading.status) fish[concept] = reading.status;
  const ldHigh = ldStatus(ld);
  const result = classifyRiss({ ...(iss.stage ? { iss: iss.stage } : {}), ...(ldHigh !== undefined ? { ldHigh } : {}), fish });

  const first = scope.conditions[0];
  const values: UsedValue[] = [];
  if (scope.diagnosis) values.push(usedCondition(scope.diagnosis.condition, scope.diagnosis.date));
  else if (first) values.push(usedCondition(first));
  for (const v of [b2m, albumin]) if (v) values.push(usedLab(v));
  if (ld) {
    values.push(usedLab(ld));
    if (ld.referenceRange?.high !== undefined) values.push({ concept: LD_ULN, value: ld.referenceRange.high, unit: ld.unit, date: ld.effective, source: ld.source });
  }
  for (const { concept, reading } of fishReadings) {
    const used = usedFish(concept, reading);
    if (used) values.push(used);
  }
  const criteria = {
    ...(result.met.length > 0 ? { criteriaMet: result.met } : {}),
    ...(result.notMet.length > 0 ? { criteriaNotMet: result.notMet } : {}),
  };

  if (result.stage) {
    const params: Record<string, string | number> = { stage: result.stage, os: RISS_FIVE_YEAR_OS_PERCENT[result.stage] };
    if (iss.stage) params.iss = iss.stage;
    return [{ ruleId: RULE_ID, outcome: 'fired', subject: 'patient', variant: result.stage, params, values, missing: [], ...criteria }];
  }

  // MD-info. Name only what could still change the stage: ISS first; with ISS known, LD and FISH.
  const missing: string[] = [...iss.missing];
  if (ldHigh === undefined) missing.push(ld ? LD_ULN : LD);
  const fishMissing = RISS_FISH.filter((c) => fish[c] === undefined);
  missing.push(...fishMissing);
  const suggestions: SuggestionRequest[] = [];
  for (const concept of missing) {
    const s = orderLab(concept);
    if (s) suggestions.push(s);
  }
  if (fishMissing.length > 0) suggestions.push({ template: 'order-fish' });
  const variant = result.range === 'I-II' ? 'I-or-II' : result.range === 'II-III' ? 'II-or-III' : 'default';
  const params: Record<string, string | number> = iss.stage ? { iss: iss.stage } : {};
  return [
    {
      ruleId: RULE_ID,
      outcome: 'not-evaluable',
      subject: 'patient',
      variant,
      params,
      values,
      missing,
      ...criteria,
      ...(suggestions.length > 0 ? { suggestions } : {}),
    },
  ];
}

export const stageRiss: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations'],
  evaluate,
};
