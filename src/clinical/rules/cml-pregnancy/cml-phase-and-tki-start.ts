import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { latestLab, usedLab } from '../support/labs.js';
import { currentMedications, draftsWith } from '../support/medications.js';
import { CML_CONCEPTS, TKI_CONCEPTS } from './context.js';

// Catalogue A.13 `cml-phase-and-tki-start`. Seed [000] «Bakgrunn»: «sykdommen deles nå kun inn i
// kronisk fase (blastandel <20 %) og blastfase»; «Behandling med TKI bør startes så raskt som mulig,
// selv hos symptomfrie pasienter.»; «Allogen stamcelle-transplantasjon … benyttes derfor generelt kun
// i tilfeller der den medikamentelle behandlingen svikter, eller ved debut av sykdommen i blastfase.»

export const RULE_ID = 'cml-phase-and-tki-start';

/** «kronisk fase (blastandel <20 %)»: 20 % or more is blast phase (the complement; proposal). */
export const CHRONIC_PHASE_BLASTS_BELOW_PCT = 20;

const BLASTS = 'lab:cml-blasts-pct';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const cml = currentConditions(snapshot, CML_CONCEPTS);
  if (cml.length === 0) return [];
  // Pregnant or breastfeeding: TKIs are contraindicated and the A.13 pregnancy and breastfeeding
  // rules speak instead (interferon as the alternative); "start a TKI" would contradict them.
  if (snapshot.pregnancy === 'pregnant' || snapshot.breastfeeding === 'breastfeeding') return [];
  // Pregnancy status unknown: no "start a TKI" advice (the TKI order asks for the status first).
  const mayAdviseTki = snapshot.pregnancy !== 'unknown';
  const onTki = currentMedications(snapshot, TKI_CONCEPTS).length > 0 || draftsWith(snapshot, TKI_CONCEPTS, false).length > 0;
  const blasts = latestLab(snapshot, BLASTS, '%', ctx.now);
  const values: UsedValue[] = [usedCondition(cml[0] as (typeof cml)[number]), ...(blasts ? [usedLab(blasts)] : [])];

  if (blasts && blasts.value >= CHRONIC_PHASE_BLASTS_BELOW_PCT) {
    return [
      {
        ruleId: RULE_ID,
        outcome: 'fired',
        subject: 'patient',
        variant: onTki || !mayAdviseTki ? 'blast-phase' : 'blast-phase-no-tki',
        params: { blasts: blasts.value },
        values,
        missing: [],
        criteriaMet: ['blast-phase', ...(onTki ? [] : ['no-tki'])],
        indicator: 'warning',
      },
    ];
  }
  // Chronic phase (or phase unknown) on a TKI, or no TKI advice possible: no card (reading: quiet unless actionable).
  if (onTki || !mayAdviseTki) return [];
  if (!blasts) {
    // MD-info: the phase is unknown; the advice to start a TKI stands in either phase.
    return [{ ruleId: RULE_ID, outcome: 'not-evaluable', subject: 'patient', variant: 'default', params: {}, values, missing: [BLASTS] }];
  }
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: 'chronic-no-tki',
      params: { blasts: blasts.value },
      values,
      missing: [],
      criteriaMet: ['chronic-phase', 'no-tki'],
    },
  ];
}

export const cmlPhaseAndTkiStart: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations', 'medicationRequests', 'medicationStatements'],
  evaluate,
};
