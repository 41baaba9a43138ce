import type { EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { latestLab, usedLab } from '../support/labs.js';
import { withinDaysBefore } from '../support/time.js';

// Catalogue A.10 `anaemia-workup`, seed [003] «Anemibehandling»: «Ved anemi er det viktig å utelukke
// andre vanlige årsaker. Et minimum er utredning med retikulocytter, MCV, ferritin,
// jern/transferrinmetning/TIBC, B12 og folat.» A reminder listing what is still missing; quiet once
// the minimum work-up is on record.

export const RULE_ID = 'anaemia-workup';

/** (proposal) Hb and the work-up count when taken within the last 90 days. */
export const WINDOW_DAYS = 90;
/** (proposal) Without a reported lower reference limit, anaemia is read as the seed's «Hb <10 g/dL» (CRAB-A). */
export const HB_BELOW_G_DL_WITHOUT_LLN = 10;

/** The seed's minimum work-up: each item is met by any one of its concepts. */
export const WORKUP: readonly { item: string; concepts: readonly string[]; loinc: string }[] = [
  { item: 'lab:reticulocytes-pct', concepts: ['lab:reticulocytes-pct', 'lab:reticulocytes-abs'], loinc: '4679-7' },
  { item: 'lab:mcv', concepts: ['lab:mcv'], loinc: '787-2' },
  { item: 'lab:ferritin', concepts: ['lab:ferritin'], loinc: '2276-4' },
  // «jern/transferrinmetning/TIBC» is read as one item, met by any of the three (proposal).
  { item: 'lab:iron', concepts: ['lab:iron', 'lab:transferrin-saturation', 'lab:tibc'], loinc: '2498-4' },
  { item: 'lab:vitamin-b12', concepts: ['lab:vitamin-b12'], loinc: '2132-9' },
  { item: 'lab:folate', concepts: ['lab:folate'], loinc: '2284-8' },
];

function takenRecently(snapshot: PatientSnapshot, concepts: readonly string[], now: Date): boolean {
  return concepts.some((c) => (snapshot.labs[c] ?? []).some((v) => withinDaysBefore(v.effective, now, WINDOW_DAYS)));
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const hb = latestLab(snapshot, 'lab:hb', 'g/dL', ctx.now, WINDOW_DAYS);
  if (!hb) return [];
  const lln = hb.referenceRange?.low;
  const anaemic = lln !== undefined ? hb.value < lln : hb.value < HB_BELOW_G_DL_WITHOUT_LLN;
  if (!anaemic) return [];

  const missing = WORKUP.filter((w) => !takenRecently(snapshot, w.concepts, ctx.now));
  if (missing.length === 0) return [];
  const suggestions: SuggestionRequest[] = missing.map((w) => ({ template: 'order-lab', params: { concept: w.item, loinc: w.loinc } }));
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: lln !== undefined ? 'default' : 'no-reference-range',
      params: { hb: hb.value },
      values: [usedLab(hb)],
      missing: missing.map((w) => w.item),
      suggestions,
    },
  ];
}

export const anaemiaWorkup: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations'],
  evaluate,
};
