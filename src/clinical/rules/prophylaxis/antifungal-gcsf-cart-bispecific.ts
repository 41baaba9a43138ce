import type { DraftOrder, EvaluationContext, Finding, LabValue, MedicationEntry, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { BISPECIFIC, SYSTEMIC_STEROIDS, carTDrafted, carTReinfusion, onBispecific, usedDraft } from './context.js';
import { protocolFor } from '../relapse/context.js';
import { labValues, usedLab } from '../support/labs.js';
import { administrationsOf, currentMedications, draftsWith, hasConcept, isOnOrOrdered, usedMedication } from '../support/medications.js';
import { daysBetween, isValidDate } from '../support/time.js';

// Catalogue A.9 `antifungal-gcsf-cart-bispecific`. Seed [003] «Øvrig infeksjonsprofylakse»: «Sopp
// Flukonazol» and «Alle patogener G-CSF».

export const RULE_ID = 'antifungal-gcsf-cart-bispecific';

const G_CSF = ['class:g-csf'];
const FLUCONAZOLE = 'drug:fluconazole';
/** Fluconazole, or mould-active posaconazole («muggsopprofylakse»), counts as antifungal prophylaxis. */
const ANTIFUNGALS = [FLUCONAZOLE, 'drug:posaconazole'];
const NEUTROPHILS = 'lab:neutrophils';
const NEUTROPHIL_UNIT = '10*9/L';

/** «Vurderes ved vedvarende neutropeni (<0,5 x 109)» (strictly below). */
export const NEUTROPHILS_BELOW = 0.5;
/** Catalogue: «no neutrophil count ≤ 7 days → no fluconazole card» (A.0.5 infection-status window). */
export const NEUTROPHIL_WINDOW_DAYS = 7;
/** «den første perioden etter CAR-T»: the first 14 days, day +14 included (C-27, proposal). */
export const EARLY_CART_DAYS = 14;

/** Steroid use: a systemic steroid active or drafted, or given within the neutrophil window (proposal). */
function steroidUse(snapshot: PatientSnapshot, now: Date): MedicationEntry | undefined {
  const current = currentMedications(snapshot, SYSTEMIC_STEROIDS)[0] ?? draftsWith(snapshot, SYSTEMIC_STEROIDS, false)[0]?.medication;
  if (current) return current;
  return administrationsOf(snapshot, SYSTEMIC_STEROIDS).find((a) => {
    const at = a.occurredAt ?? a.date;
    return isValidDate(at) && daysBetween(at, now) >= 0 && daysBetween(at, now) <= NEUTROPHIL_WINDOW_DAYS;
  });
}

/**
 * «vedvarende neutropeni»: every neutrophil count of the last 7 days is < 0.5 × 10⁹/L (persistent is
 * not defined in the seed; proposal). No count in the window → undefined (no fluconazole card).
 */
function neutropenia(snapshot: PatientSnapshot, now: Date): { persistent: boolean; counts: LabValue[] } | undefined {
  const counts = labValues(snapshot, NEUTROPHILS, NEUTROPHIL_UNIT).filter((v) => {
    const age = daysBetween(v.effective, now);
    return age >= 0 && age <= NEUTROPHIL_WINDOW_DAYS;
  });
  if (counts.length === 0) return undefined;
  return { persistent: counts.every((v) => v.value < NEUTROPHILS_BELOW), counts };
}

/** A CAR-T or bispecific patient: CAR-T given or drafted, or a bispecific current or drafted. */
function inScope(snapshot: PatientSnapshot): boolean {
  return carTReinfusion(snapshot) !== undefined || carTDrafted(snapshot) || onBispecific(snapshot) || draftsWith(snapshot, [BISPECIFIC], false).length > 0;
}

/**
 * «Bør unngås under opptrapping av bispesifikke og den første perioden etter CAR-T»: the bispecific
 * step-up (current or drafted, first full dose not yet given) or the first 14 days after CAR-T.
 */
function avoidPeriod(snapshot: PatientSnapshot, now: Date): { reason: 'step-up' | 'early-car-t'; values: UsedValue[]; day?: number } | undefined {
  const cart = carTReinfusion(snapshot);
  if (cart) {
    const day = Math.floor(daysBetween(cart.date, now));
    if (day >= 0 && day <= EARLY_CART_DAYS) return { reason: 'early-car-t', values: [cart.value], day };
  }
  const drafted = snapshot.draftOrders.filter((d) => (d.medication && hasConcept(d.medication, ['class:car-t'])) || d.procedure?.concepts.includes('proc:car-t-infusion'));
  if (drafted[0]) return { reason: 'early-car-t', values: [usedDraft(drafted[0], 'class:car-t')], day: 0 };
  const bispecifics = [...currentMedications(snapshot, [BISPECIFIC]), ...draftsWith(snapshot, [BISPECIFIC], false).flatMap((d) => (d.medication ? [d.medication] : []))];
  for (const m of bispecifics) {
    const protocol = protocolFor(m);
    // Linvoseltamab has no step-up schedule in the seed, so its step-up cannot be recognised.
    if (!protocol) continue;
    const given = administrationsOf(snapshot, [protocol.drug]).length;
    if (given <= protocol.stepUps.length) return { reason: 'step-up', values: [usedMedication(m, BISPECIFIC)] };
  }
  return undefined;
}

function gcsfFinding(snapshot: PatientSnapshot, d: DraftOrder, now: Date): Finding | undefined {
  const period = avoidPeriod(snapshot, now);
  if (!period) return undefined;
  return {
    ruleId: RULE_ID,
    outcome: 'fired',
    subject: d.ref,
    variant: period.reason === 'step-up' ? 'gcsf-step-up' : 'gcsf-early-car-t',
    params: { drug: d.display, ...(period.day !== undefined ? { day: period.day } : {}) },
    values: [usedDraft(d, 'class:g-csf'), ...period.values],
    missing: [],
    criteriaMet: [period.reason],
    indicator: 'warning',
    suggestions: [{ template: 'remove-gcsf', targetRef: d.ref }],
  };
}

function fluconazoleFinding(snapshot: PatientSnapshot, subject: string, now: Date, drug?: DraftOrder): Finding | undefined {
  const n = neutropenia(snapshot, now);
  if (!n) return undefined;
  const steroid = steroidUse(snapshot, now);
  const values: UsedValue[] = [...(drug ? [usedDraft(drug, FLUCONAZOLE)] : []), ...n.counts.map(usedLab), ...(steroid ? [usedMedication(steroid, 'steroid')] : [])];
  const latest = n.counts[0] as LabValue;
  const met = [...(n.persistent ? ['persistent-neutropenia'] : []), ...(steroid ? ['steroid-use'] : [])];
  const notMet = [...(n.persistent ? [] : ['persistent-neutropenia']), ...(steroid ? [] : ['steroid-use'])];
  const indicated = notMet.length === 0;
  const base = { ruleId: RULE_ID, outcome: 'fired' as const, subject, params: { neutrophils: latest.value, ...(drug ? { drug: drug.display } : {}) }, values, missing: [], criteriaMet: met, criteriaNotMet: notMet, indicator: 'info' as const };
  if (drug) return { ...base, variant: indicated ? 'fluconazole-order-indicated' : 'fluconazole-order-not-indicated' };
  if (!indicated) return undefined;
  return { ...base, criteriaMet: [...met, 'no-antifungal'], variant: 'fluconazole', suggestions: [{ template: 'create-fluconazole' }] };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inScope(snapshot)) return [];
  if (ctx.hook === 'patient-view') {
    if (isOnOrOrdered(snapshot, ANTIFUNGALS)) return [];
    const f = fluconazoleFinding(snapshot, 'patient', ctx.now);
    return f ? [f] : [];
  }
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const d of snapshot.draftOrders) {
    if (!d.inFocus || seen.has(d.ref) || !d.medication) continue;
    seen.add(d.ref);
    let f: Finding | undefined;
    if (hasConcept(d.medication, G_CSF)) f = gcsfFinding(snapshot, d, ctx.now);
    // The fluconazole indication is context for the prescriber: order-select only (A.0.1).
    else if (ctx.hook === 'order-select' && hasConcept(d.medication, [FLUCONAZOLE])) f = fluconazoleFinding(snapshot, d.ref, ctx.now, d);
    if (f) out.push(f);
  }
  return out;
}

export const antifungalGcsfCartBispecific: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: ['observations', 'medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures'],
  evaluate,
};
