import type { DataDomain, EvaluationContext, Finding, Indicator, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { BISPECIFIC, CAR_T, CAR_T_PROCEDURE, addMonths, bispecificStart, carTReinfusion, cd4Since, everBispecific, focusDraftsWith, onBispecific, usedDraft, type TreatmentEvent } from './context.js';
import { usedLab } from '../support/labs.js';
import { currentMedications, hasConcept, isOnOrOrdered, usedMedication } from '../support/medications.js';

// Catalogue A.9 `pjp-prophylaxis`. Seed [003] «Øvrig infeksjonsprofylakse», «Pneumocystis jirovecii».

export const RULE_ID = 'pjp-prophylaxis';

/** TMP-SMX, dapsone, inhaled pentamidine, atovaquone: the seed's regimen and its alternatives. */
const PJP_PROPHYLAXIS = ['class:pjp-prophylaxis'];
/** «CAR-T: Fra reinfusjon og i 6 måneder, eller inntil CD4 ≥ 0.2 x 109/L (det som er lengst)» */
export const CART_MONTHS = 6;
/** «inntil CD4 ≥ 0.2 x 109/L» (greater or equal, as printed; C-25). */
export const CD4_STOP_AT_LEAST = 0.2;

const MEDICATION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements'];

type Variant = 'car-t' | 'bispecific';

interface Need {
  subject: string;
  variant: Variant;
  drug: string;
  values: UsedValue[];
  /** True when the need can only be ruled out by a CD4 count that is missing. */
  cd4Missing?: boolean;
}

/** After the fixed period, the need lasts until a CD4 ≥ 0.2 measured since the treatment. */
function afterPeriod(snapshot: PatientSnapshot, event: TreatmentEvent, variant: Variant, now: Date): Need | undefined {
  const cd4 = cd4Since(snapshot, event.date, now);
  const drug = String(event.value.value);
  if (!cd4) return { subject: 'patient', variant, drug, values: [event.value], cd4Missing: true };
  if (cd4.value >= CD4_STOP_AT_LEAST) return undefined;
  return { subject: 'patient', variant, drug, values: [event.value, usedLab(cd4)] };
}

function patientNeed(snapshot: PatientSnapshot, now: Date): Need | undefined {
  const cart = carTReinfusion(snapshot);
  if (cart && cart.date.getTime() <= now.getTime()) {
    if (now.getTime() < addMonths(cart.date, CART_MONTHS).getTime()) return { subject: 'patient', variant: 'car-t', drug: String(cart.value.value), values: [cart.value] };
    const need = afterPeriod(snapshot, cart, 'car-t', now);
    if (need) return need;
  }
  // «Fra behandlingsstart og under behandling, eller inntil CD4 ≥ 0.2 x 109/L (det som er lengst)»
  const ongoing = currentMedications(snapshot, [BISPECIFIC]);
  if (ongoing.length > 0) return { subject: 'patient', variant: 'bispecific', drug: [...new Set(ongoing.map((m) => m.display))].join(', '), values: ongoing.map((m) => usedMedication(m, BISPECIFIC)) };
  if (everBispecific(snapshot) && !onBispecific(snapshot)) {
    const start = bispecificStart(snapshot);
    if (start) return afterPeriod(snapshot, start, 'bispecific', now);
  }
  return undefined;
}

function orderNeeds(snapshot: PatientSnapshot): Need[] {
  return focusDraftsWith(snapshot, [CAR_T, CAR_T_PROCEDURE, BISPECIFIC]).map((d) => {
    const cart = (d.medication !== undefined && hasConcept(d.medication, [CAR_T])) || (d.procedure?.concepts.includes(CAR_T_PROCEDURE) ?? false);
    return { subject: d.ref, variant: cart ? 'car-t' : 'bispecific', drug: d.display, values: [usedDraft(d, cart ? CAR_T : BISPECIFIC)] };
  });
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const needs = ctx.hook === 'patient-view' ? [patientNeed(snapshot, ctx.now)].filter((n): n is Need => n !== undefined) : orderNeeds(snapshot);
  if (needs.length === 0 || isOnOrOrdered(snapshot, PJP_PROPHYLAXIS)) return [];
  const unavailable = MEDICATION_DOMAINS.filter((d) => snapshot.unavailable.includes(d));
  const indicator: Indicator = 'warning';

  return needs.map((n): Finding => {
    const base = { ruleId: RULE_ID, subject: n.subject, params: { drug: n.drug }, values: n.values, indicator };
    const setting = n.variant === 'car-t' ? 'car-t' : 'bispecific';
    if (unavailable.length > 0) {
      return { ...base, outcome: 'not-evaluable', variant: 'medications-unavailable', missing: unavailable.map((d) => `domain:${d}`), criteriaMet: [setting] };
    }
    if (n.cd4Missing) {
      // MD-warn: the period is over and only a CD4 count can end the need.
      const order: SuggestionRequest = { template: 'order-cd4', params: { concept: 'lab:cd4' } };
      return { ...base, outcome: 'not-evaluable', variant: 'cd4-missing', missing: ['lab:cd4'], criteriaMet: [setting, 'no-pjp-prophylaxis'], suggestions: [order, { template: 'create-smx-tmp' }] };
    }
    return { ...base, outcome: 'fired', variant: n.variant, missing: [], criteriaMet: [setting, 'no-pjp-prophylaxis'], suggestions: [{ template: 'create-smx-tmp' }] };
  });
}

export const pjpProphylaxis: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-sign'],
  needs: ['medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures', 'observations'],
  handlesUnavailable: true,
  evaluate,
};
