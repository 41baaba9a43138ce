import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { CML_CONCEPTS, draftValue, focusDrafts, pregnancyEvidence, TKI_CONCEPTS } from './context.js';

// Catalogue A.13 `cml-pregnancy-interferon-alternative`: CML in a pregnant woman.
// Seed [000] «Bakgrunn»: «Det opplyses i nasjonalt handlingsprogram at interferon-behandling er et
// alternativ dersom man må behandle KML under graviditet, men denne anbefalingen har lav
// evidensgrad (evidensgrad D).»
// patient-view for the patient; on order-select it rides along with a TKI draft as the context of
// `cml-tki-pregnancy`. It needs pregnancy = true, so an unknown status gives no card here (the
// order rules answer that with MD-warn).

export const RULE_ID = 'cml-pregnancy-interferon-alternative';

const CRITERION_CML = 'cml';
const CRITERION_PREGNANT = 'pregnant';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (snapshot.pregnancy !== 'pregnant') return [];
  const cml = currentConditions(snapshot, CML_CONCEPTS);
  if (cml.length === 0) return [];

  const context: UsedValue[] = [...cml.map((c) => usedCondition(c)), ...pregnancyEvidence(snapshot, ctx.now)];
  const finding = (subject: string, values: UsedValue[]): Finding => ({
    ruleId: RULE_ID,
    outcome: 'fired',
    subject,
    variant: 'default',
    params: {},
    values,
    missing: [],
    criteriaMet: [CRITERION_CML, CRITERION_PREGNANT],
    suggestions: [{ template: 'refer-haematologist' }],
  });

  if (ctx.hook === 'patient-view') return [finding('patient', context)];
  return focusDrafts(snapshot, TKI_CONCEPTS).map((d) => finding(d.ref, [draftValue(d, 'class:tki-cml'), ...context]));
}

export const cmlPregnancyInterferonAlternative: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select'],
  needs: ['conditions', 'observations'],
  evaluate,
};
