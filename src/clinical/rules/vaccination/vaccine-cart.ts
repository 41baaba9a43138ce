import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { administrationsOf, usedMedication } from '../support/medications.js';
import { addMonths } from '../support/calendar.js';
import { carTReinfusion } from '../prophylaxis/context.js';

// Catalogue A.11 `vaccine-cart`. Seed [003] «Vaksiner»: «For CAR-T er det anbefalt revaksinasjon for
// pneumokokker fra 3-6 måneder etter CAR-T.»

export const RULE_ID = 'vaccine-cart';

/** «fra 3-6 måneder etter CAR-T»: due from 3 months (the earliest the seed names). */
export const DUE_FROM_MONTHS = 3;
/**
 * Proposal: the reminder stands until 12 months after CAR-T; later the general schedule
 * (vaccine-schedule-general) covers pneumococcal vaccination.
 */
export const REMIND_UNTIL_MONTHS = 12;

const PNEUMOCOCCAL = ['drug:vaccine-pneumococcal-conjugate', 'drug:vaccine-pneumococcal-polysaccharide'];

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const cart = carTReinfusion(snapshot);
  // MD-scope: CAR-T date unknown -> no card (catalogue).
  if (!cart) return [];
  const due = addMonths(cart.date, DUE_FROM_MONTHS);
  if (ctx.now.getTime() < due.getTime() || ctx.now.getTime() > addMonths(cart.date, REMIND_UNTIL_MONTHS).getTime()) return [];
  // A pneumococcal vaccine given after the CAR-T, or ordered now, settles it.
  const vaccinated = administrationsOf(snapshot, PNEUMOCOCCAL).some((a) => {
    const at = a.occurredAt ?? a.date;
    return at !== undefined && at.getTime() >= cart.date.getTime();
  });
  const ordered = snapshot.draftOrders.some((d) => d.medication?.concepts.some((c) => PNEUMOCOCCAL.includes(c)));
  if (vaccinated || ordered) return [];
  const given = administrationsOf(snapshot, PNEUMOCOCCAL)[0];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: 'default',
      params: {},
      values: [cart.value, ...(given ? [usedMedication(given, 'last-pneumococcal')] : [])],
      missing: [],
      criteriaMet: ['after-3-months', 'no-pneumococcal-since'],
      suggestions: [{ template: 'create-pcv20' }],
    },
  ];
}

export const vaccineCart: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['procedures', 'medicationAdministrations', 'immunizations'],
  evaluate,
};
