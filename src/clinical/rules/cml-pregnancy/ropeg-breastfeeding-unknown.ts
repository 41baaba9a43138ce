import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { draftValue, focusDrafts, lactationReading, REPRODUCTIVE_DOMAINS, ROPEG_CONCEPTS } from './context.js';

// Catalogue A.13 `ropeg-breastfeeding-unknown`: ropeginterferon alfa-2b ordered while breastfeeding.
// Seed [000] «Bakgrunn»: «Det er ikke kjent om virkestoffet i dette legemidlet blir skilt ut i melk
// i forsøksdyr eller hos mennesker.» Order-sign only (catalogue), warning.

export const RULE_ID = 'ropeg-breastfeeding-unknown';

const CRITERION_ROPEG = 'ropeg-ordered';
const CRITERION_BREASTFEEDING = 'breastfeeding';
const CRITERION_POSTPARTUM = 'postpartum';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = focusDrafts(snapshot, ROPEG_CONCEPTS);
  if (drafts.length === 0) return [];
  const reading = lactationReading(snapshot, ctx.now);
  if (reading.kind === 'none') return [];

  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication?.display ?? d.display } };
    const drug = draftValue(d, 'drug:ropeginterferon-alfa-2b');
    if (reading.kind === 'unknown-postpartum') {
      // MD-warn: postpartum (delivery within 12 months, proposal) with no breastfeeding status.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        values: [drug, ...reading.values],
        missing: reading.missing,
        criteriaMet: reading.values.length > 0 ? [CRITERION_ROPEG, CRITERION_POSTPARTUM] : [CRITERION_ROPEG],
      };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      values: [drug, ...reading.values],
      missing: [],
      criteriaMet: [CRITERION_ROPEG, CRITERION_BREASTFEEDING],
      suggestions: [{ template: 'refer-haematologist' }],
    };
  });
}

export const ropegBreastfeedingUnknown: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: [...REPRODUCTIVE_DOMAINS],
  handlesUnavailable: true,
  evaluate,
};
