import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { draftValue, focusDrafts, pregnancyReading, REPRODUCTIVE_DOMAINS, ROPEG_CONCEPTS, warningOnSign } from './context.js';

// Catalogue A.13 `ropeg-pregnancy-not-recommended`: ropeginterferon alfa-2b ordered in pregnancy.
// Seed [000] «Bakgrunn»: «… legemiddelet ikke anbefales brukt under graviditet»; «Vurdering fra
// Direktoratet …» (SmPC): «Besremi er derfor ikke anbefalt under graviditet».
// «ikke anbefalt» is not «kontraindisert», and the guideline names interferon as the pregnancy
// alternative, so this is a warning, not critical (C-32), on order-select as well as order-sign
// (catalogue «Hooks: order-select, order-sign · Indicator: warning»). A missing status is asked for
// softly at selection (A.0.1) and as MD-warn at signing.

export const RULE_ID = 'ropeg-pregnancy-not-recommended';

const CRITERION_ROPEG = 'ropeg-ordered';
const CRITERION_PREGNANT = 'pregnant';
const CRITERION_CHILDBEARING = 'childbearing-potential';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = focusDrafts(snapshot, ROPEG_CONCEPTS);
  if (drafts.length === 0) return [];
  const reading = pregnancyReading(snapshot, ctx.now);
  if (reading.kind === 'none') return [];
  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication?.display ?? d.display } };
    if (reading.kind === 'unknown') {
      // MD-warn, as for cml-tki-pregnancy: childbearing potential without a status within 30 days.
      return {
        ...base,
        indicator: warningOnSign(ctx.hook),
        outcome: 'not-evaluable',
        variant: 'default',
        values: [draftValue(d, 'drug:ropeginterferon-alfa-2b')],
        missing: reading.missing,
        criteriaMet: [CRITERION_ROPEG, CRITERION_CHILDBEARING],
        suggestions: [{ template: 'order-hcg', params: { concept: 'obs:hcg' } }],
      };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      indicator: 'warning',
      values: [draftValue(d, 'drug:ropeginterferon-alfa-2b'), ...reading.values],
      missing: [],
      criteriaMet: [CRITERION_ROPEG, CRITERION_PREGNANT],
      suggestions: [{ template: 'refer-haematologist' }],
    };
  });
}

export const ropegPregnancyNotRecommended: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: [...REPRODUCTIVE_DOMAINS],
  handlesUnavailable: true,
  evaluate,
};
