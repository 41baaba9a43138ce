import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { assessPcd, pcdFinding } from './context.js';

// Catalogue A.1 `classify-active-myeloma`, seed [003] «Diagnostiske kriterier»: «≥10 % klonale
// plasmaceller i benmarg eller biopsiverifisert plasmacytom i bein eller ekstramedullært og minst
// ett myelomatosedefinerende kriterium». Also the card for every classification that cannot be
// completed (contract item 8): never "not active" while a missing item could flip the result.

export const RULE_ID = 'classify-active-myeloma';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const a = assessPcd(snapshot, ctx.now);
  if (!a) return [];
  switch (a.outcome) {
    case 'active':
      return [pcdFinding(RULE_ID, 'fired', 'default', a, {}, [{ template: 'workup-full' }])];
    case 'active-possible':
      return [pcdFinding(RULE_ID, 'not-evaluable', 'default', a)];
    case 'mde-without-marrow-criterion':
      return [pcdFinding(RULE_ID, 'not-evaluable', 'mde-without-marrow-criterion', a)];
    case 'unclassified':
      return [pcdFinding(RULE_ID, 'not-evaluable', 'unclassified', a)];
    default:
      return [];
  }
}

export const classifyActiveMyeloma: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  // Medications: values after the first anti-myeloma dose do not classify (classification-mde.ts).
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
