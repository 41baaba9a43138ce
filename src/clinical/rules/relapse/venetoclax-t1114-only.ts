import type { CodedObservation, EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { draftsInFocus } from './context.js';
import { inMyelomaScope } from '../support/conditions.js';
import { hasConcept, usedMedication } from '../support/medications.js';

// Catalogue A.7 `venetoclax-t1114-only`. Seed [003] «Behandling fra 5.linje»: «Venetoclax-Dex (kun
// aktuelt for pasienter med translokasjon 11;14)»; «tidligst aktuelt i 4. linje, etter lokal
// godkjenning/vurdering fra Ekspertpanelet»; «Venetoclax 400 mg 1–28».

export const RULE_ID = 'venetoclax-t1114-only';

const VENETOCLAX = 'drug:venetoclax';
const T11_14 = 'fish:t11-14';
const PRESENT = 'answer:present';
const ABSENT = 'answer:absent';
/** «Venetoclax 400 mg 1–28» */
export const VENETOCLAX_DOSE_MG = 400;

/** The newest FISH t(11;14) result that says present or absent; FISH is not repeated, so no window. */
function latestT1114(snapshot: PatientSnapshot): { result: 'present' | 'absent'; obs: CodedObservation } | undefined {
  for (const obs of snapshot.codedObservations[T11_14] ?? []) {
    if (obs.valueConcepts.includes(PRESENT)) return { result: 'present', obs };
    if (obs.valueConcepts.includes(ABSENT)) return { result: 'absent', obs };
  }
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // MD-scope: venetoclax with a myeloma indication only (A.0.8).
  if (!inMyelomaScope(snapshot)) return [];
  const drafts = draftsInFocus(snapshot).flatMap((d) => (d.medication && hasConcept(d.medication, [VENETOCLAX]) ? [{ ref: d.ref, medication: d.medication }] : []));
  if (drafts.length === 0) return [];
  const fish = latestT1114(snapshot);

  return drafts.map((d): Finding => {
    const values: UsedValue[] = [usedMedication(d.medication, VENETOCLAX)];
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication.display } };
    if (!fish) {
      const order: SuggestionRequest = { template: 'order-fish-t11-14' };
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        values,
        missing: [T11_14],
        criteriaMet: ['venetoclax-order'],
        suggestions: [order],
        indicator: ctx.hook === 'order-select' ? 'info' : 'warning',
      };
    }
    values.push({ concept: T11_14, value: fish.result === 'present' ? 'present' : 'absent', date: fish.obs.effective, source: fish.obs.source });
    if (fish.result === 'absent') {
      // «kun aktuelt for pasienter med translokasjon 11;14»: an order without it is outside the indication.
      return {
        ...base,
        outcome: 'fired',
        variant: 'absent',
        values,
        missing: [],
        criteriaMet: ['venetoclax-order', 't11-14-absent'],
        suggestions: [{ template: 'remove-venetoclax', targetRef: d.ref }],
        indicator: 'critical',
      };
    }
    const dose = d.medication.dose;
    const doseDeviates = dose !== undefined && dose.unit === 'mg' && Math.abs(dose.value - VENETOCLAX_DOSE_MG) > 1e-6;
    if (dose) values.push({ concept: 'dose', value: dose.value, unit: dose.unit });
    return {
      ...base,
      params: { ...base.params, ...(doseDeviates && dose ? { dose: dose.value } : {}) },
      outcome: 'fired',
      variant: doseDeviates ? 'present-dose' : 'present',
      values,
      missing: [],
      criteriaMet: ['venetoclax-order', 't11-14-present'],
      ...(doseDeviates ? { criteriaNotMet: ['dose-400'] } : {}),
      // «Always attach info "off-label: local approval / Expert panel"»; a dose off the seed's 400 mg warns.
      indicator: doseDeviates ? 'warning' : 'info',
    };
  });
}

export const venetoclaxT1114Only: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'observations'],
  evaluate,
};
