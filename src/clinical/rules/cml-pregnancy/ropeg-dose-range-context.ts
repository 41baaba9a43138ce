import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { draftValue, focusDrafts, ROPEG_CONCEPTS } from './context.js';

// Catalogue A.13 `ropeg-dose-range-context`: the PV label dose range as context for a
// ropeginterferon alfa-2b order; no CML dose is established ([000] «Forventet dosering»: «Ikke kjent»).
// The dosing interval («hver 2. uke») is not in the snapshot (MedicationEntry has no timing), so
// the interval arm is not checked and the card says so.

export const RULE_ID = 'ropeg-dose-range-context';

/** [000] «Forventet dosering»: «Maksimal anbefalt enkeltdose er 500 µg injisert hver 2. uke.» */
export const MAX_SINGLE_DOSE_UG = 500;

const UG_PER_MG = 1000;
/** Label key (card file) of the dose line and of the missing dose. */
const DOSE = 'dose';

const CRITERION_ROPEG = 'ropeg-ordered';
const CRITERION_ABOVE_MAX = 'dose-above-500';
const CRITERION_WITHIN_MAX = 'dose-within-500';

/** mg (the snapshot's canonical mass) -> µg, rounded so 0.5 mg is exactly 500 µg. */
function micrograms(mg: number): number {
  return Math.round(mg * UG_PER_MG * 1e6) / 1e6;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  void ctx;
  return focusDrafts(snapshot, ROPEG_CONCEPTS).map((d): Finding => {
    const drug = d.medication?.display ?? d.display;
    const dose = d.medication?.dose;
    const base = { ruleId: RULE_ID, subject: d.ref };
    if (!dose || dose.unit !== 'mg' || !Number.isFinite(dose.value)) {
      // MD-warn: no dose, or a unit that is not a mass (e.g. mL, a pen) cannot be compared.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        params: { drug },
        values: [draftValue(d, 'drug:ropeginterferon-alfa-2b'), ...(dose ? [{ concept: DOSE, value: dose.value, unit: dose.unit }] : [])],
        missing: [DOSE],
        criteriaMet: [CRITERION_ROPEG],
      };
    }
    const ug = micrograms(dose.value);
    const above = ug > MAX_SINGLE_DOSE_UG;
    return {
      ...base,
      outcome: 'fired',
      variant: above ? 'above-max' : 'context',
      params: { drug, dose: ug },
      values: [draftValue(d, 'drug:ropeginterferon-alfa-2b'), { concept: DOSE, value: ug, unit: 'µg' }],
      missing: [],
      criteriaMet: [CRITERION_ROPEG, above ? CRITERION_ABOVE_MAX : CRITERION_WITHIN_MAX],
      ...(above ? {} : { indicator: 'info' as const }),
    };
  });
}

export const ropegDoseRangeContext: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  // Drafts come with the request; the rule reads no record domain but declares the orders it sits on.
  needs: ['medicationRequests'],
  handlesUnavailable: true,
  evaluate,
};
