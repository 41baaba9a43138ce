import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { latestLab, usedLab } from '../support/labs.js';
import { cartOrdersInFocus } from './context.js';

// Catalogue A.8 `cart-blood-smear`. Seed [003] «Seleksjon av pasienter når begrenset kapasitet»:
// «Det vil kreves et aktuelt blodutstryk som er vurdert til å ha <5 % plasmaceller i blod før henvisning.»

export const RULE_ID = 'cart-blood-smear';

/** «<5 % plasmaceller i blod»: 5 % or more does not qualify (and is plasma-cell leukaemia). */
export const BLOOD_PLASMA_CELLS_BELOW_PCT = 5;
/** «aktuelt blodutstryk» (proposal, catalogue A.8): a smear taken within the last 30 days. */
export const SMEAR_VALID_DAYS = 30;

const BLOOD_PLASMA_CELLS = 'lab:blood-plasma-cells-pct';
const SMEAR_LOINC = '13047-6';

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const orders = cartOrdersInFocus(snapshot);
  if (orders.length === 0) return [];
  const smear = latestLab(snapshot, BLOOD_PLASMA_CELLS, '%', ctx.now, SMEAR_VALID_DAYS);
  if (smear && smear.value < BLOOD_PLASMA_CELLS_BELOW_PCT) return [];
  return orders.map((order): Finding =>
    smear
      ? {
          ruleId: RULE_ID,
          outcome: 'fired',
          subject: order.ref,
          variant: 'plasma-cells-5-or-more',
          params: { pct: smear.value },
          values: [usedLab(smear)],
          missing: [],
          criteriaNotMet: ['below-5-pct'],
        }
      : {
          ruleId: RULE_ID,
          outcome: 'not-evaluable',
          subject: order.ref,
          variant: 'default',
          params: {},
          values: [],
          missing: [BLOOD_PLASMA_CELLS],
          suggestions: [{ template: 'order-lab', params: { concept: BLOOD_PLASMA_CELLS, loinc: SMEAR_LOINC } }],
        },
  );
}

export const cartBloodSmear: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['observations'],
  evaluate,
};
