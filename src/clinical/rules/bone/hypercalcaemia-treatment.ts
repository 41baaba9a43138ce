import type { EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { latestLab, usedLab } from '../support/labs.js';
import { inClassificationScope } from '../classification/context.js';

// Catalogue A.10 `hypercalcaemia-treatment`, seed [003] «Behandling av hyperkalsemi»:
// «Moderat/alvorlig hyperkalsemi (s-Ca>2,90 mmol/l eller ionisert Ca>1,45): Rehydrering, 4–6 l
// NaCl. iv., diuretika etter behov. • Bisfosfonat … Kan gis hvis kreatinin er < 400.»

export const RULE_ID = 'hypercalcaemia-treatment';

/** «s-Ca>2,90 mmol/l»: corrected Ca when reported, else total (C-30). */
export const CA_ABOVE_MMOL_L = 2.9;
/** «ionisert Ca>1,45» (mmol/L, as the s-Ca arm). */
export const IONISED_CA_ABOVE_MMOL_L = 1.45;
/** «Kan gis hvis kreatinin er < 400» (µmol/L presumed, C-30). */
export const BISPHOSPHONATE_CREATININE_BELOW_UMOL_L = 400;
/** A.0.5 (proposal): treatment labs within 14 days (the dosing-lab window); older values are missing. */
export const LAB_WINDOW_DAYS = 14;

const EPS = 1e-9;

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inClassificationScope(snapshot)) return [];
  const corrected = latestLab(snapshot, 'lab:calcium-corrected', 'mmol/L', ctx.now, LAB_WINDOW_DAYS);
  const total = corrected ? undefined : latestLab(snapshot, 'lab:calcium', 'mmol/L', ctx.now, LAB_WINDOW_DAYS);
  const serum = corrected ?? total;
  const ionised = latestLab(snapshot, 'lab:calcium-ionized', 'mmol/L', ctx.now, LAB_WINDOW_DAYS);
  const serumHigh = serum !== undefined && serum.value - CA_ABOVE_MMOL_L > EPS;
  const ionisedHigh = ionised !== undefined && ionised.value - IONISED_CA_ABOVE_MMOL_L > EPS;
  // No recent high calcium: nothing to treat (the CRAB-C assessment reports a missing Ca).
  if (!serumHigh && !ionisedHigh) return [];

  const shown = serumHigh ? (serum) : (ionised as NonNullable<typeof ionised>);
  const values: UsedValue[] = [...(serum ? [usedLab(serum)] : []), ...(ionised ? [usedLab(ionised)] : [])];
  const criteriaMet = [...(serumHigh ? ['s-ca-gt-2.90'] : []), ...(ionisedHigh ? ['ionised-ca-gt-1.45'] : [])];
  const creatinine = latestLab(snapshot, 'lab:creatinine', 'umol/L', ctx.now, LAB_WINDOW_DAYS);
  const params = { ca: shown.value };
  const suggestions: SuggestionRequest[] = [{ template: 'create-nacl' }];

  if (!creatinine) {
    // MD-warn: the bisphosphonate suggestion is withheld until creatinine is known.
    return [
      {
        ruleId: RULE_ID,
        outcome: 'not-evaluable',
        subject: 'patient',
        variant: 'default',
        params,
        values,
        missing: ['lab:creatinine'],
        criteriaMet,
        suggestions: [...suggestions, { template: 'order-lab', params: { concept: 'lab:creatinine', loinc: '14682-9' } }],
      },
    ];
  }
  values.push(usedLab(creatinine));
  const bisphosphonateOk = BISPHOSPHONATE_CREATININE_BELOW_UMOL_L - creatinine.value > EPS;
  if (bisphosphonateOk) suggestions.push({ template: 'create-zoledronic-acid' });
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: bisphosphonateOk ? 'default' : 'creatinine-400-or-more',
      params: { ...params, creatinine: creatinine.value },
      values,
      missing: [],
      criteriaMet: [...criteriaMet, ...(bisphosphonateOk ? ['creatinine-lt-400'] : [])],
      ...(bisphosphonateOk ? {} : { criteriaNotMet: ['creatinine-lt-400'] }),
      suggestions,
    },
  ];
}

export const hypercalcaemiaTreatment: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations'],
  evaluate,
};
