import type { PatientSnapshot } from '../../types.js';

// What the A.3 follow-up rules share.

/** Concept of a referral to haematology (local code; a site maps its own). */
export const HAEMATOLOGY_REFERRAL = 'proc:haematology-referral';

/**
 * A referral to haematology on record (not revoked or in error) dated on or after `since`, or one
 * being ordered now: accepting a card's referral suggestion settles the card.
 */
export function referredToHaematologySince(snapshot: PatientSnapshot, since: number): boolean {
  const onRecord = snapshot.procedures.some(
    (p) =>
      p.concepts.includes(HAEMATOLOGY_REFERRAL) &&
      p.status !== 'revoked' &&
      p.status !== 'entered-in-error' &&
      (p.date === undefined || p.date.getTime() >= since),
  );
  return onRecord || snapshot.draftOrders.some((d) => d.procedure?.concepts.includes(HAEMATOLOGY_REFERRAL));
}
