import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { activeTkis, draftValue, focusDrafts, MEDICATION_DOMAINS, medicationValue, lactationReading, REPRODUCTIVE_DOMAINS, TKI_CONCEPTS, warningOnSign } from './context.js';

// Catalogue A.13 `cml-tki-breastfeeding`: a TKI ordered for a breastfeeding woman.
// Seed [000] «Bakgrunn»: «TKIer er teratogene, embryotoksiske og gjenfinnes i brystmelk.
// Medikamentene er derfor stort sett kontraindisert under graviditet og ved amming.»
// Same sentence and strength as in pregnancy, so the same treatment: critical on both order hooks
// with a specialist override (C-31).

export const RULE_ID = 'cml-tki-breastfeeding';

const CRITERION_TKI = 'tki-ordered';
const CRITERION_BREASTFEEDING = 'breastfeeding';
const CRITERION_POSTPARTUM = 'postpartum';

const CRITERION_TKI_ACTIVE = 'tki-active';

/**
 * Beyond the catalogue: on patient-view, a TKI being given now (active or on hold) in a
 * breastfeeding woman is the same critical card as the order, so the chart does not wait for the next
 * prescription. An unknown status is not asked for at every visit.
 */
function patientView(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const tkis = activeTkis(snapshot);
  if (tkis.length === 0) return [];
  const reading = lactationReading(snapshot, ctx.now);
  if (reading.kind !== 'breastfeeding') return [];
  return [
    {
      ruleId: RULE_ID,
      subject: 'patient',
      params: { drug: [...new Set(tkis.map((m) => m.display))].join(', ') },
      outcome: 'fired',
      variant: 'default',
      values: [...tkis.map((m) => medicationValue(m, 'class:tki-cml')), ...reading.values],
      missing: [],
      criteriaMet: [CRITERION_TKI_ACTIVE, CRITERION_BREASTFEEDING],
      suggestions: [{ template: 'refer-cml-specialist' }],
    },
  ];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (ctx.hook === 'patient-view') return patientView(snapshot, ctx);
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
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: [...REPRODUCTIVE_DOMAINS, ...MEDICATION_DOMAINS],
  handlesUnavailable: true,
  evaluate,
};
