import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { type PcdAssessment, assessPcd, pcdFinding } from './context.js';

// Catalogue A.1 `classify-solitary-plasmacytoma`, seed [003] «Diagnostiske kriterier», «Solitært
// plasmacytom»: «Solitær lesjon i ben eller bløtvev forårsaket av klonale plasmaceller (biopsi). CT
// skjelett og MR helkropp viser ingen ytterligere lesjoner. Ingen myelomatosedefinerende kriterier
// oppfylt.» with the three 3-year risks. Imaging is not coded yet (C-4), so from a real record the
// rule answers "cannot be confirmed — missing CT/MRI"; the fired variants are reached once a site
// codes the imaging findings.

export const RULE_ID = 'classify-solitary-plasmacytoma';

/** «som ikke har klonale plasmaceller i benmarg har en 10% risiko for progresjon til myelomatose i løpet av 3 år» */
export const RISK_NO_MARROW_PCT = 10;
/** «i ben med minimal marginfiltrasjon (<10 % klonale plasmaceller i benmarg) har en 60% risiko» */
export const RISK_BONE_MINIMAL_MARROW_PCT = 60;
/** «i bløtvev med minimal marginfiltrasjon (< 10% plasmaceller i benmarg) har en 20 % risiko» */
export const RISK_SOFT_TISSUE_MINIMAL_MARROW_PCT = 20;

/**
 * The seed's risk variant: V1 no clonal marrow plasma cells, V2 bone + minimal marrow, V3 soft
 * tissue + minimal marrow. The variants count clonal cells: all marrow plasma cells (11118-7) place
 * a patient only when there are none; otherwise the clonal fraction (flow/IHC) is needed.
 */
export function spVariant(a: Pick<PcdAssessment, 'bmpc' | 'plasmacytoma' | 'clonalBmpc' | 'clonality'>): { variant: string; risk?: number } {
  const none = { variant: 'no-marrow-involvement', risk: RISK_NO_MARROW_PCT };
  const minimal =
    a.plasmacytoma === 'bone'
      ? { variant: 'bone-minimal-marrow', risk: RISK_BONE_MINIMAL_MARROW_PCT }
      : { variant: 'soft-tissue-minimal-marrow', risk: RISK_SOFT_TISSUE_MINIMAL_MARROW_PCT };
  if (a.clonalBmpc !== undefined) return a.clonalBmpc <= 0 ? none : minimal;
  if (a.bmpc !== undefined && a.bmpc <= 0) return none;
  if (a.clonality === 'absent') return none;
  if (a.clonality === 'present') return minimal;
  if (a.bmpc === undefined) return { variant: 'marrow-unknown' };
  return { variant: 'clonality-unknown' };
}

export function spFindings(a: PcdAssessment | undefined): Finding[] {
  if (a?.outcome === 'solitary-plasmacytoma') {
    const { variant, risk } = spVariant(a);
    const followUp = a.plasmacytoma === 'bone' ? 'order-wb-mri' : 'order-pet-ct';
    return [pcdFinding(RULE_ID, 'fired', variant, a, risk !== undefined ? { risk } : {}, [{ template: followUp }])];
  }
  if (a?.outcome === 'solitary-plasmacytoma-unconfirmed') return [pcdFinding(RULE_ID, 'not-evaluable', 'default', a)];
  return [];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  return spFindings(assessPcd(snapshot, ctx.now));
}

export const classifySolitaryPlasmacytoma: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  // Medications: values after the first anti-myeloma dose do not classify (classification-mde.ts).
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
