import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { draftValue, focusDrafts, pregnancyReading, REPRODUCTIVE_DOMAINS, TKI_CONCEPTS, warningOnSign } from './context.js';

// Catalogue A.13 `cml-tki-pregnancy`: a TKI ordered for a pregnant woman.
// Seed [000] «Bakgrunn»: «TKIer er teratogene, embryotoksiske og gjenfinnes i brystmelk.
// Medikamentene er derfor stort sett kontraindisert under graviditet og ved amming.»
// «stort sett kontraindisert» is read as critical with a specialist override (C-31), on both order
// hooks: the hard stop belongs at selection too (fixtures/README "Cards the catalogue expects").

export const RULE_ID = 'cml-tki-pregnancy';

const CRITERION_TKI = 'tki-ordered';
const CRITERION_PREGNANT = 'pregnant';
const CRITERION_CHILDBEARING = 'childbearing-potential';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = focusDrafts(snapshot, TKI_CONCEPTS);
  if (drafts.length === 0) return [];
  const reading = pregnancyReading(snapshot, ctx.now);
  if (reading.kind === 'none') return [];

  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication?.display ?? d.display } };
    if (reading.kind === 'unknown') {
      // MD-warn: a woman of childbearing potential without a pregnancy status within 30 days.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        indicator: warningOnSign(ctx.hook),
        values: [draftValue(d, 'class:tki-cml')],
        missing: reading.missing,
        criteriaMet: [CRITERION_TKI, CRITERION_CHILDBEARING],
        suggestions: [{ template: 'order-hcg', params: { concept: 'obs:hcg' } }],
      };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      values: [draftValue(d, 'class:tki-cml'), ...reading.values],
      missing: [],
      criteriaMet: [CRITERION_TKI, CRITERION_PREGNANT],
      suggestions: [{ template: 'cancel-draft', targetRef: d.ref }, { template: 'refer-cml-specialist' }],
    };
  });
}

export const cmlTkiPregnancy: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: [...REPRODUCTIVE_DOMAINS],
  handlesUnavailable: true,
  evaluate,
};
