import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { assessPcd, pcdFinding } from './context.js';

// Catalogue A.1 `classify-smouldering`, seed [003] «Diagnostiske kriterier», «Ulmende myelomatose»:
// «Serum M-komponent ≥30 g/L og/eller urin M-komponent ≥500 mg per 24 t og/eller klonale
// plasmaceller i benmarg 10–59 %» and «Ingen myelomatosedefinerende kriterier og fyller ikke
// kriterier for AL-amyloidose». "No MDE" is asserted only when every CRAB and SLiM item is
// evaluable; otherwise "smouldering vs active cannot be separated" (MD-info) with the WB-MRI order
// («MR skal gjøres … for å sette diagnosen ulmende myelomatose»).

export const RULE_ID = 'classify-smouldering';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const a = assessPcd(snapshot, ctx.now);
  if (a?.outcome === 'smouldering') return [pcdFinding(RULE_ID, 'fired', 'default', a)];
  if (a?.outcome === 'smouldering-vs-active') return [pcdFinding(RULE_ID, 'not-evaluable', 'default', a, {}, [{ template: 'order-wb-mri' }])];
  return [];
}

export const classifySmouldering: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  // Medications: values after the first anti-myeloma dose do not classify (classification-mde.ts).
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
