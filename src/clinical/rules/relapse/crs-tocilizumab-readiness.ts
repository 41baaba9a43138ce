import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { administrationsOf, usedMedication } from '../support/medications.js';
import { draftsInFocus } from './context.js';

// Catalogue A.7 `crs-tocilizumab-readiness`. Seed [003] «Spesielle forhold og bivirkninger ved nyere
// behandlinger»: «CRS oppstår typisk i løpet av den første uken etter CAR-T-celleinfusjon og innen 48
// timer etter behandling med bispesifikke antistoffer (gjerne tidlig i første syklus).» «Avdelinger som
// behandler slike pasienter må ha tocilizumab og en algoritme for behandling av CRS tilgjengelig.»

export const RULE_ID = 'crs-tocilizumab-readiness';

const BISPECIFIC = 'class:bispecific';
const CAR_T = 'class:car-t';
const CAR_T_INFUSION = 'proc:car-t-infusion';

/** The drug concepts of a bispecific draft (its `drug:*` ids), to count earlier doses of the same drug. */
function drugsOf(draft: DraftOrder): string[] {
  return draft.medication?.concepts.filter((c) => c.startsWith('drug:')) ?? [];
}

/**
 * «once per start»: the first dose of a bispecific (no earlier administration of that drug), or a
 * CAR-T infusion (a product order or the infusion procedure).
 */
function startKind(snapshot: PatientSnapshot, draft: DraftOrder): 'bispecific' | 'car-t' | undefined {
  const med = draft.medication;
  if (med?.concepts.includes(CAR_T) || draft.procedure?.concepts.includes(CAR_T_INFUSION)) return 'car-t';
  if (!med?.concepts.includes(BISPECIFIC)) return undefined;
  const drugs = drugsOf(draft);
  return drugs.length > 0 && administrationsOf(snapshot, drugs).length === 0 ? 'bispecific' : undefined;
}

function evaluate(snapshot: PatientSnapshot, _ctx: EvaluationContext): Finding[] {
  const findings: Finding[] = [];
  for (const draft of draftsInFocus(snapshot)) {
    const kind = startKind(snapshot, draft);
    if (!kind) continue;
    findings.push({
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: draft.ref,
      variant: kind,
      params: { order: draft.display },
      values: draft.medication ? [usedMedication(draft.medication, kind === 'car-t' ? CAR_T : BISPECIFIC)] : [],
      missing: [],
    });
  }
  return findings;
}

export const crsTocilizumabReadiness: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['medicationAdministrations'],
  evaluate,
};
