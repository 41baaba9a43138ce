import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { draftValue, focusDrafts, lactationReading, REPRODUCTIVE_DOMAINS, TKI_CONCEPTS, warningOnSign } from './context.js';

// Catalogue A.13 `cml-tki-breastfeeding`: a TKI ordered for a breastfeeding woman.
// Seed [000] «Bakgrunn»: «TKIer er teratogene, embryotoksiske og gjenfinnes i brystmelk.
// Medikamentene er derfor stort sett kontraindisert under graviditet og ved amming.»
// Same sentence and strength as in pregnancy, so the same treatment: critical on both order hooks
// with a specialist override (C-31).

export const RULE_ID = 'cml-tki-breastfeeding';

const CRITERION_TKI = 'tki-ordered';
const CRITERION_BREASTFEEDING = 'breastfeeding';
const CRITERION_POSTPARTUM = 'postpartum';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = focusDrafts(snapshot, TKI_CONCEPTS);
  if (drafts.length === 0) return [];
  const reading = lactationReading(snapshot, ctx.now);
  if (reading.kind === 'none') return [];

  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication?.display ?? d.display } };
    if (reading.kind === 'unknown-postpartum') {
      // MD-warn: delivered within 12 months (proposal) and no breastfeeding status on record.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        indicator: warningOnSign(ctx.hook),
        values: [draftValue(d, 'class:tki-cml'), ...reading.values],
        missing: reading.missing,
        criteriaMet: reading.values.length > 0 ? [CRITERION_TKI, CRITERION_POSTPARTUM] : [CRITERION_TKI],
      };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      values: [draftValue(d, 'class:tki-cml'), ...reading.values],
      missing: [],
      criteriaMet: [CRITERION_TKI, CRITERION_BREASTFEEDING],
      suggestions: [{ template: 'refer-cml-specialist' }, { template: 'cancel-draft', targetRef: d.ref }],
    };
  });
}

export const cmlTkiBreastfeeding: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: [...REPRODUCTIVE_DOMAINS],
  handlesUnavailable: true,
  evaluate,
};
