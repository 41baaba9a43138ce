import type { EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { DIAGNOSIS_WINDOW_DAYS, ISS_II_REQUIRES_ALBUMIN, classifyIss } from '../staging/stage-iss.js';
import { labNearest, usedLab } from '../support/labs.js';
import { usedCondition } from '../support/conditions.js';
import { FISH_PANEL, orderLab, readFish, stagingScope, usedFish } from '../support/fish-panel.js';

// Catalogue A.2 `fish-iss-all-patients`: ISS and FISH for every myeloma patient (a registry quality
// measure), and FISH with TP53 at relapse when not done before. A reminder rule: it fires on what is
// missing and is silent when ISS and FISH (and at relapse TP53) are on record.

export const RULE_ID = 'fish-iss-all-patients';

const B2M = 'lab:b2m';
const ALBUMIN = 'lab:albumin';
const TP53 = 'fish:tp53-mut';
/** Missing-list key (card label) for "no FISH result of any lesion". */
export const MISSING_FISH = 'fish-panel';

/** Condition clinicalStatus values that record a relapse (FHIR condition-clinical). */
const RELAPSE_STATUSES = new Set(['relapse', 'recurrence']);

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const scope = stagingScope(snapshot);
  if (!scope) return [];
  const dxDate = scope.diagnosis?.date;
  const b2m = labNearest(snapshot, B2M, 'mg/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  const albumin = labNearest(snapshot, ALBUMIN, 'g/L', dxDate, DIAGNOSIS_WINDOW_DAYS, ctx.now);
  const iss = classifyIss(b2m?.value, albumin?.value, ISS_II_REQUIRES_ALBUMIN);
  const fishResults = FISH_PANEL.map((concept) => ({ concept, reading: readFish(snapshot, concept, ctx.now) })).filter((r) => r.reading.status);
  const tp53 = readFish(snapshot, TP53, ctx.now);
  const relapse = scope.conditions.find((c) => c.clinicalStatus !== undefined && RELAPSE_STATUSES.has(c.clinicalStatus));

  const missing: string[] = [...iss.missing];
  if (fishResults.length === 0) missing.push(MISSING_FISH);
  // «FISH og TP53-mutasjonsanalyse skal tas ved tilbakefall hvis det ikke er tatt før.»
  if (relapse && !tp53.status) missing.push(TP53);
  if (missing.length === 0) return [];

  const values: UsedValue[] = [];
  if (scope.diagnosis) values.push(usedCondition(scope.diagnosis.condition, scope.diagnosis.date));
  if (relapse && relapse !== scope.diagnosis?.condition) values.push(usedCondition(relapse));
  for (const v of [b2m, albumin]) if (v) values.push(usedLab(v));
  for (const { concept, reading } of fishResults) {
    const used = usedFish(concept, reading);
    if (used) values.push(used);
  }
  const tp53Used = usedFish(TP53, tp53);
  if (tp53Used) values.push(tp53Used);

  const suggestions: SuggestionRequest[] = [];
  if (missing.includes(MISSING_FISH) || missing.includes(TP53)) suggestions.push({ template: 'order-fish-tp53' });
  for (const m of missing) {
    const s = orderLab(m);
    if (s) suggestions.push(s);
  }
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: relapse ? 'relapse' : 'default',
      params: {},
      values,
      missing,
      suggestions,
    },
  ];
}

export const fishIssAllPatients: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations'],
  evaluate,
};
