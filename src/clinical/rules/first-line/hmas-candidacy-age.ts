import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { currentConditions } from '../support/conditions.js';
import { everExposed } from '../support/medications.js';

// Catalogue A.6 `hmas-candidacy-age`, seed [003] «Førstegangsbehandling av myelomatose»: «Pasienter <70 år
// tilbys høydose kjemoterapi med autolog stamcellestøtte (HMAS) med mindre det foreligger kontraindikasjoner
// for dette. På grunn av risiko for sekundære maligniteter kan pasienter under cirka 65 vurdere å utsette
// HMAS til 2.linje …». Only while the first-line decision is open (signal budget, proposal): active myeloma
// with no myeloma therapy and no HMAS on record; on order-select when a first-line drug is picked.

export const RULE_ID = 'hmas-candidacy-age';

/** «Pasienter <70 år tilbys … HMAS»; age 70 is read as not a candidate (C-33). */
export const HMAS_BELOW_AGE = 70;
/** «under cirka 65 vurdere å utsette HMAS til 2.linje» */
export const DEFER_BELOW_AGE = 65;

const MYELOMA = 'cond:multiple-myeloma';
const MYELOMA_THERAPY = ['class:imid', 'class:proteasome-inhibitor', 'class:cd38-antibody', 'drug:melphalan', 'drug:cyclophosphamide'];
const FIRST_LINE_DRUGS = ['drug:bortezomib', 'drug:lenalidomide', 'drug:daratumumab', 'drug:isatuximab'];
const HMAS = ['proc:hmas', 'proc:hsct'];

function untreated(snapshot: PatientSnapshot): boolean {
  if (everExposed(snapshot, MYELOMA_THERAPY).length > 0) return false;
  return !snapshot.procedures.some((p) => p.source === 'Procedure' && p.concepts.some((c) => HMAS.includes(c)) && p.status !== 'not-done');
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (currentConditions(snapshot, [MYELOMA]).length === 0 || !untreated(snapshot)) return [];
  let subject = 'patient';
  if (ctx.hook !== 'patient-view') {
    const draft = snapshot.draftOrders.find((d) => d.inFocus && d.medication?.concepts.some((c) => FIRST_LINE_DRUGS.includes(c)));
    if (!draft) return [];
    subject = draft.ref;
  }
  const age = snapshot.ageYears;
  if (age === undefined) {
    // MD-info: the candidacy depends on age alone in the seed.
    return [{ ruleId: RULE_ID, outcome: 'not-evaluable', subject, variant: 'default', params: {}, values: [], missing: ['birth-date'], indicator: 'info' }];
  }
  const variant = age >= HMAS_BELOW_AGE ? 'not-candidate' : age < DEFER_BELOW_AGE ? 'candidate-may-defer' : 'candidate';
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject,
      variant,
      params: { age },
      values: [{ concept: 'age', value: age, unit: 'år' }],
      missing: [],
      indicator: 'info',
    },
  ];
}

export const hmasCandidacyAge: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select'],
  needs: ['patient', 'conditions', 'medicationRequests', 'medicationAdministrations', 'medicationStatements', 'procedures'],
  evaluate,
};
