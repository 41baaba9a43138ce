import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { bispecificStart, carTReinfusion, cd4Since, type TreatmentEvent } from './context.js';
import { usedLab } from '../support/labs.js';
import { hasConcept } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { addDays } from '../support/time.js';

// Catalogue A.9 `vzv-prophylaxis-stop-cd4`. Seed [003] «Varicella (herpes zoster)»: «CAR-T: 500 mg x 2
// fra reinfusjon og i minst ett år. Seponering krever CD4 > 0,2 x 109/L.»; «Bispesifikke antistoff:
// 250-500 mg x 2 fra oppstart og i minst ett år. Seponering krever CD4 > 0,2 x 109/L.»

export const RULE_ID = 'vzv-prophylaxis-stop-cd4';

const ANTIVIRAL = ['class:vzv-antiviral', 'drug:valaciclovir', 'drug:aciclovir'];
/** A draft that ends the antiviral: the order sent to stop, cancel or complete it. */
const STOP_STATUSES = new Set(['stopped', 'cancelled', 'completed']);
/** «i minst ett år»: ≥ 365 days (C-27). */
export const MIN_DAYS = 365;
/** «Seponering krever CD4 > 0,2 x 109/L» (strictly greater, C-25). */
export const CD4_ABOVE = 0.2;

/** The treatment the one-year clock runs from: the later of CAR-T reinfusion and bispecific start. */
function treatment(snapshot: PatientSnapshot): TreatmentEvent | undefined {
  const events = [carTReinfusion(snapshot), bispecificStart(snapshot)].filter((e): e is TreatmentEvent => e !== undefined);
  return events.sort((a, b) => b.date.getTime() - a.date.getTime())[0];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const stops = snapshot.draftOrders.filter((d) => d.inFocus && d.medication !== undefined && hasConcept(d.medication, ANTIVIRAL) && d.medication.status !== undefined && STOP_STATUSES.has(d.medication.status));
  if (stops.length === 0) return [];
  const event = treatment(snapshot);
  if (!event) return [];

  const yearDone = ctx.now.getTime() >= addDays(event.date, MIN_DAYS).getTime();
  const cd4 = cd4Since(snapshot, event.date, ctx.now);
  const cd4Ok = cd4 !== undefined && cd4.value > CD4_ABOVE;
  if (yearDone && cd4Ok) return [];

  return stops.map((d): Finding => {
    const values: UsedValue[] = [{ concept: 'medication', value: d.display, source: sourceOf(d.ref) }, event.value, ...(cd4 ? [usedLab(cd4)] : [])];
    const criteriaMet = [yearDone ? 'one-year-done' : 'within-one-year'];
    const keep = [{ template: 'keep-valaciclovir', targetRef: d.ref }];
    const params = { drug: d.display, ...(cd4 ? { cd4: cd4.value } : {}) };
    const base = { ruleId: RULE_ID, subject: d.ref, params, values, indicator: 'warning' as const };
    if (!cd4) {
      // MD-warn: «CD4 count required before stopping».
      return { ...base, outcome: 'not-evaluable', variant: 'default', missing: ['lab:cd4'], criteriaMet, suggestions: [...keep, { template: 'order-cd4', params: { concept: 'lab:cd4' } }] };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      missing: [],
      criteriaMet: cd4Ok ? criteriaMet : [...criteriaMet, 'cd4-not-above'],
      ...(cd4Ok ? { criteriaNotMet: ['one-year-done'] } : {}),
      suggestions: [...keep, { template: 'order-cd4', params: { concept: 'lab:cd4' } }],
    };
  });
}

export const vzvProphylaxisStopCd4: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures', 'observations'],
  evaluate,
};
