import type { DataDomain, EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { currentMedications, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { draftValue, focusDrafts, ROPEG_CONCEPTS } from './context.js';

// Catalogue A.13 `ropeg-contraception`: ropeginterferon alfa-2b for a woman of childbearing
// potential with no documented reliable contraception.
// Seed [000] «Bakgrunn»: «fertile kvinner må bruke sikker prevensjon under behandling med
// ropeginterferon alfa-2b»; SmPC: «ikke anbefalt … til fertile kvinner som ikke bruker prevensjon».
// «fertile kvinner» = childbearing potential per A.0.7 (C-32c), which the snapshot's pregnancy
// status already encodes ('not-applicable' = male, outside 12–55, or no childbearing potential).
// The absence of documentation is the finding; a pregnant woman is left to
// `ropeg-pregnancy-not-recommended`.

export const RULE_ID = 'ropeg-contraception';

const CONTRACEPTIVE_DRUGS = ['class:contraceptive'];
const CONTRACEPTIVE_DEVICE = 'proc:contraceptive-device';
const CONTRACEPTION_OBSERVATION = 'obs:contraception';
/** A documented method "none" (Absent / Negative) is no contraception. */
const DENYING_ANSWERS = ['answer:absent', 'answer:negative'];

/** Where contraception is documented: without one of these, "none documented" cannot be said. */
const CONTRACEPTION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements', 'procedures', 'observations'];

const CRITERION_ROPEG = 'ropeg-ordered';
const CRITERION_CHILDBEARING = 'childbearing-potential';
const CRITERION_NO_CONTRACEPTION = 'no-contraception';

function documentedContraception(snapshot: PatientSnapshot): UsedValue | undefined {
  const drug = currentMedications(snapshot, CONTRACEPTIVE_DRUGS)[0];
  if (drug) return usedMedication(drug, 'class:contraceptive');
  const device = snapshot.procedures.find(
    (p) => p.source === 'Procedure' && (p.status === undefined || p.status === 'completed') && p.concepts.includes(CONTRACEPTIVE_DEVICE),
  );
  if (device) return { concept: CONTRACEPTIVE_DEVICE, value: device.display, ...(device.date ? { date: device.date } : {}), source: sourceOf(device.ref) };
  const latest = snapshot.codedObservations[CONTRACEPTION_OBSERVATION]?.[0];
  if (latest && !latest.valueConcepts.some((v) => DENYING_ANSWERS.includes(v))) {
    return { concept: CONTRACEPTION_OBSERVATION, value: '+', date: latest.effective, source: latest.source };
  }
  return undefined;
}

/** Sex and age are both needed to say whether A.0.7 applies. */
function childbearingPotentialUnknown(snapshot: PatientSnapshot): boolean {
  return snapshot.unavailable.includes('patient') || snapshot.gender !== 'female' || snapshot.ageYears === undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  void ctx;
  const drafts = focusDrafts(snapshot, ROPEG_CONCEPTS);
  if (drafts.length === 0) return [];
  if (snapshot.pregnancy === 'pregnant' || snapshot.pregnancy === 'not-applicable') return [];
  if (documentedContraception(snapshot)) return [];

  const unknownPotential = childbearingPotentialUnknown(snapshot);
  const unavailable = CONTRACEPTION_DOMAINS.filter((d) => snapshot.unavailable.includes(d)).map((d) => `domain:${d}`);
  const age: UsedValue[] = snapshot.ageYears !== undefined ? [{ concept: 'age', value: snapshot.ageYears }] : [];

  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication?.display ?? d.display } };
    const values = [draftValue(d, 'drug:ropeginterferon-alfa-2b'), ...age];
    if (unknownPotential || unavailable.length > 0) {
      // MD-warn: either childbearing potential or the contraception records could not be read.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        values,
        missing: [...(unknownPotential ? ['domain:patient'] : []), ...unavailable],
        criteriaMet: unknownPotential ? [CRITERION_ROPEG] : [CRITERION_ROPEG, CRITERION_CHILDBEARING],
      };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      values,
      missing: [],
      criteriaMet: [CRITERION_ROPEG, CRITERION_CHILDBEARING, CRITERION_NO_CONTRACEPTION],
      suggestions: [{ template: 'contraception-counselling' }],
    };
  });
}

export const ropegContraception: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['patient', 'observations', 'conditions', 'procedures', 'medicationRequests', 'medicationStatements'],
  handlesUnavailable: true,
  evaluate,
};
