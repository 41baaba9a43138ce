import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { assessPcd, pcdFinding } from './context.js';

// Catalogue A.1 `classify-mgus`, seed [003] «Diagnostiske kriterier», «MGUS»: «<10 % klonale
// plasmaceller i benmarg», a clonal marker («Serum M-komponent <30 g/L og urin M-komponent <500 mg
// per 24t og/eller – FLC-ratio <0,26 eller >1,65») and «Fyller ikke noen myelomatosedefinerende
// kriterier». Without a marrow examination MGUS is presumed only under a low-risk work-up; that
// level needs the M-protein isotype, which the snapshot does not carry, so it is MD-info here.

export const RULE_ID = 'classify-mgus';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const a = assessPcd(snapshot, ctx.now);
  if (a?.outcome === 'mgus') return [pcdFinding(RULE_ID, 'fired', 'default', a)];
  if (a?.outcome === 'mgus-not-evaluable') return [pcdFinding(RULE_ID, 'not-evaluable', 'default', a)];
  return [];
}

export const classifyMgus: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  // Medications: values after the first anti-myeloma dose do not classify (classification-mde.ts).
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
