import type { DraftOrder, PatientSnapshot } from '../../types.js';
import { hasConcept } from '../support/medications.js';

// What the A.8 CAR-T selection rules share: the order that starts a CAR-T assessment.

export const CART_REFERRAL = 'proc:car-t-referral';
export const CART_CLASS = 'class:car-t';

/** Drafts in focus that refer for CAR-T or order a CAR-T product (ide-cel, cilta-cel). */
export function cartOrdersInFocus(snapshot: PatientSnapshot): DraftOrder[] {
  return snapshot.draftOrders.filter(
    (d) => d.inFocus && (d.procedure?.concepts.includes(CART_REFERRAL) === true || (d.medication !== undefined && hasConcept(d.medication, [CART_CLASS]))),
  );
}
