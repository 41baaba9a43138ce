import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { activeTkis, draftValue, focusDrafts, MEDICATION_DOMAINS, medicationValue, pregnancyReading, REPRODUCTIVE_DOMAINS, TKI_CONCEPTS, warningOnSign } from './context.js';

// Catalogue A.13 `cml-tki-pregnancy`: a TKI ordered for a pregnant woman.
// Seed [000] «Bakgrunn»: «TKIer er teratogene, embryotoksiske og gjenfinnes i brystmelk.
// Medikamentene er derfor stort sett kontraindisert under graviditet og ved amming.»
// «stort sett kontraindisert» is read as critical with a specialist override (C-31), on both order
// hooks: the hard stop belongs at selection too (fixtures/README "Cards the catalogue expects").

export const RULE_ID = 'cml-tki-pregnancy';

const CRITERION_TKI = 'tki-ordered';
const CRITERION_PREGNANT = 'pregnant';
const CRITERION_CHILDBEARING = 'childbearing-potential';

const CRITERION_TKI_ACTIVE = 'tki-active';

/**
 * Beyond the catalogue: on patient-view, a TKI being given now (active or on hold) in a
 * pregnant woman is the same critical card as the order, so the chart does not wait for the next
 * prescription. An unknown status is not asked for at every visit.
 */
function patientView(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const tkis = activeTkis(snapshot);
  if (tkis.length === 0) return [];
  const reading = pregnancyReading(snapshot, ctx.now);
  if (reading.kind !== 'pregnant') return [];
  return [
    {
      ruleId: RULE_ID,
      subject: 'patient',
      params: { drug: [...new Set(tkis.map((m) => m.display))].join(', ') },
      outcome: 'fired',
      variant: 'default',
      values: [...tkis.map((m) => medicationValue(m, 'class:tki-cml')), ...reading.values],
      missing: [],
      criteriaMet: [CRITERION_TKI_ACTIVE, CRITERION_PREGNANT],
      suggestions: [{ template: 'refer-cml-specialist' }],
    },
  ];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (ctx.hook === 'patient-view') return patientView(snapshot, ctx);
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
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: [...REPRODUCTIVE_DOMAINS, ...MEDICATION_DOMAINS],
  handlesUnavailable: true,
  evaluate,
};
