import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { latestLab, usedLab } from '../support/labs.js';
import { DAY_MS, isValidDate } from '../support/time.js';

// Catalogue A.1 `pcd-al-amyloid-screen`: patients with MGUS or myeloma are worked up and followed
// with NT-proBNP, ALP, INR and urine albumin to catch a concurrent AL amyloidosis. A reminder rule:
// it fires on what is missing or stale and is silent when all four are recent.

export const RULE_ID = 'pcd-al-amyloid-screen';

/** «Pasienter med MGUS eller myelomatose»: smouldering myeloma and PCL are myeloma here. */
const SCOPE = ['cond:mgus', 'cond:smouldering-myeloma', 'cond:multiple-myeloma', 'cond:plasma-cell-leukaemia'];

/** A.0.5 has no window for screening tests; the catalogue proposes 12 months (365 days). */
export const SCREEN_WINDOW_DAYS = 365;

interface ScreenTest {
  /** The concept named in the missing list and ordered by the suggestion. */
  concept: string;
  loinc: string;
  /** Concepts and canonical units that satisfy the test (urine albumin: concentration or ratio). */
  accepts: { concept: string; unit: string }[];
}

/** «• NT-ProBNP, ALP, INR, U-albumin», LOINC from B.1 (VERIFIED). */
export const SCREEN_TESTS: readonly ScreenTest[] = [
  { concept: 'lab:ntprobnp', loinc: '33762-6', accepts: [{ concept: 'lab:ntprobnp', unit: 'pg/mL' }] },
  { concept: 'lab:alp', loinc: '6768-6', accepts: [{ concept: 'lab:alp', unit: 'U/L' }] },
  { concept: 'lab:inr', loinc: '6301-6', accepts: [{ concept: 'lab:inr', unit: '{INR}' }] },
  {
    concept: 'lab:urine-albumin',
    loinc: '14957-5',
    accepts: [
      { concept: 'lab:urine-albumin', unit: 'mg/L' },
      { concept: 'lab:urine-acr', unit: 'mg/g' },
    ],
  },
];

/** A qualitative result (e.g. a urine albumin reported "negative") is a result too. */
function recentCoded(snapshot: PatientSnapshot, concept: string, now: Date): UsedValue | undefined {
  for (const o of snapshot.codedObservations[concept] ?? []) {
    if (!isValidDate(o.effective) || o.valueConcepts.length === 0) continue;
    const age = (now.getTime() - o.effective.getTime()) / DAY_MS;
    if (age < 0) continue;
    if (age > SCREEN_WINDOW_DAYS) return undefined;
    return { concept, value: o.valueConcepts.join(', '), date: o.effective, source: o.source };
  }
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const scope = currentConditions(snapshot, SCOPE);
  if (scope.length === 0) return [];
  const values: UsedValue[] = scope.slice(0, 1).map((c) => usedCondition(c));
  const missing: string[] = [];
  for (const test of SCREEN_TESTS) {
    let found: UsedValue | undefined;
    for (const { concept, unit } of test.accepts) {
      const v = latestLab(snapshot, concept, unit, ctx.now, SCREEN_WINDOW_DAYS);
      found = v ? usedLab(v) : recentCoded(snapshot, concept, ctx.now);
      if (found) break;
    }
    if (found) values.push(found);
    else missing.push(test.concept);
  }
  if (missing.length === 0) return [];
  const suggestions = SCREEN_TESTS.filter((t) => missing.includes(t.concept)).map((t) => ({
    template: 'order-lab',
    params: { concept: t.concept, loinc: t.loinc },
  }));
  return [{ ruleId: RULE_ID, outcome: 'fired', subject: 'patient', variant: 'default', params: {}, values, missing, suggestions }];
}

export const pcdAlAmyloidScreen: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations'],
  evaluate,
};
