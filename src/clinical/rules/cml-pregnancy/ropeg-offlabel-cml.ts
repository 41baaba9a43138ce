import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { CML_CONCEPTS, draftValue, focusDrafts, ROPEG_CONCEPTS } from './context.js';

// Catalogue A.13 `ropeg-offlabel-cml`: context when ropeginterferon alfa-2b is picked for a CML
// patient. Seed [000] «Regulatorisk status»: «Forslaget gjelder bruk utenfor godkjent indikasjon for
// et kjent virkestoff (off-label bruk).»; «Forventet dosering»: «Ikke kjent»; BosuPeg used 50 µg
// every 2 weeks with bosutinib, which is not presented as a dose (C-32d).
// The order's indication (MedicationRequest.reasonCode) is not in the snapshot, so the CML
// Condition stands for it, as the catalogue allows ("show when a CML Condition exists").

export const RULE_ID = 'ropeg-offlabel-cml';

const CRITERION_ROPEG = 'ropeg-ordered';
const CRITERION_CML = 'cml';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  void ctx;
  const drafts = focusDrafts(snapshot, ROPEG_CONCEPTS);
  if (drafts.length === 0) return [];

  if (snapshot.unavailable.includes('conditions')) {
    // Without the diagnoses a CML indication cannot be seen: say so rather than stay silent.
    return drafts.map((d) => ({
      ruleId: RULE_ID,
      outcome: 'not-evaluable',
      subject: d.ref,
      variant: 'default',
      params: { drug: d.medication?.display ?? d.display },
      values: [draftValue(d, 'drug:ropeginterferon-alfa-2b')],
      missing: ['domain:conditions'],
      criteriaMet: [CRITERION_ROPEG],
    }));
  }

  const cml = currentConditions(snapshot, CML_CONCEPTS);
  if (cml.length === 0) return [];
  return drafts.map((d) => ({
    ruleId: RULE_ID,
    outcome: 'fired',
    subject: d.ref,
    variant: 'default',
    params: { drug: d.medication?.display ?? d.display },
    values: [draftValue(d, 'drug:ropeginterferon-alfa-2b'), ...cml.map((c) => usedCondition(c))],
    missing: [],
    criteriaMet: [CRITERION_ROPEG, CRITERION_CML],
  }));
}

export const ropegOfflabelCml: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['conditions'],
  handlesUnavailable: true,
  evaluate,
};
