import type { DraftOrder, EvaluationContext, Finding, Indicator, PatientSnapshot, ProcedureEntry, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { hasConcept, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';
import { addYears } from '../support/calendar.js';

// Catalogue A.11 `vaccine-live-contraindication`: live vaccines in myeloma, BCG and after HMAS.
// Seed [003] «Vaksiner», «Øvrige».

export const RULE_ID = 'vaccine-live-contraindication';

const LIVE_VACCINE = 'class:live-vaccine';
const BCG = 'drug:vaccine-bcg';
const YELLOW_FEVER = 'drug:vaccine-yellow-fever';
/**
 * HMAS on record: the local HMAS code, or a haematopoietic stem-cell transplant (SNOMED 234336002),
 * which is how EHRs usually record the autologous transplant of HMAS.
 */
const HMAS_CONCEPTS = ['proc:hmas', 'proc:hsct'];
/** A cancelled, not-done or entered-in-error procedure is no transplant. */
const NOT_DONE = new Set(['not-done', 'entered-in-error', 'cancelled', 'revoked']);

/** «men gulfebervaksine kan vurderes 2 år etter HMAS» */
export const YELLOW_FEVER_AFTER_HMAS_YEARS = 2;

export type LiveVaccineVariant = 'bcg' | 'live-after-hmas' | 'yellow-fever-early' | 'yellow-fever-may-consider';

/** Card indicator per variant (A.0.2 and the catalogue's indicator line). */
const INDICATOR: Record<LiveVaccineVariant, Indicator> = {
  // «BCG vaksine er kontraindisert.»
  bcg: 'critical',
  // «Levende vaksiner skal i utgangspunktet ikke gis etter HMAS»
  'live-after-hmas': 'critical',
  'yellow-fever-early': 'warning',
  'yellow-fever-may-consider': 'info',
};

/** The HMAS the safety decision rests on: the most recent one (an undated one counts as recent). */
function latestHmas(snapshot: PatientSnapshot): { entry: ProcedureEntry; date?: Date } | undefined {
  const done = snapshot.procedures.filter(
    (p) => p.source === 'Procedure' && !(p.status !== undefined && NOT_DONE.has(p.status)) && p.concepts.some((c) => HMAS_CONCEPTS.includes(c)),
  );
  if (done.length === 0) return undefined;
  const undated = done.find((p) => !isValidDate(p.date));
  if (undated) return { entry: undated };
  const newest = done.reduce((a, b) => ((a.date as Date).getTime() >= (b.date as Date).getTime() ? a : b));
  return { entry: newest, date: newest.date as Date };
}

function judge(draft: DraftOrder, snapshot: PatientSnapshot, now: Date): Finding | undefined {
  const med = draft.medication;
  if (!med) return undefined;
  const values: UsedValue[] = [usedMedication(med, 'medication')];
  const base = { ruleId: RULE_ID, subject: draft.ref, params: { drug: med.display }, values, missing: [] as string[] };
  const removeDraft = [{ template: 'delete-draft', targetRef: draft.ref }];

  if (hasConcept(med, [BCG])) {
    return { ...base, outcome: 'fired', variant: 'bcg', indicator: INDICATOR.bcg, criteriaMet: ['bcg'], suggestions: removeDraft };
  }
  if (snapshot.unavailable.includes('procedures')) {
    // MD-warn: without the procedure history an earlier HMAS cannot be excluded.
    return { ...base, outcome: 'not-evaluable', variant: 'default', indicator: 'warning', missing: ['domain:procedures'], criteriaMet: ['live-vaccine'] };
  }
  const hmas = latestHmas(snapshot);
  if (!hmas) return undefined;
  values.push({ concept: 'hmas', value: hmas.entry.display, ...(hmas.date ? { date: hmas.date } : {}), source: sourceOf(hmas.entry.ref) });

  if (hasConcept(med, [YELLOW_FEVER])) {
    const twoYears = hmas.date ? addYears(hmas.date, YELLOW_FEVER_AFTER_HMAS_YEARS) : undefined;
    if (twoYears && now.getTime() >= twoYears.getTime()) {
      return { ...base, outcome: 'fired', variant: 'yellow-fever-may-consider', indicator: INDICATOR['yellow-fever-may-consider'], criteriaMet: ['after-hmas', 'yellow-fever-2-years'] };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: 'yellow-fever-early',
      indicator: INDICATOR['yellow-fever-early'],
      criteriaMet: ['after-hmas'],
      criteriaNotMet: ['yellow-fever-2-years'],
      suggestions: removeDraft,
    };
  }
  return { ...base, outcome: 'fired', variant: 'live-after-hmas', indicator: INDICATOR['live-after-hmas'], criteriaMet: ['live-vaccine', 'after-hmas'], suggestions: removeDraft };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // The seed speaks of myeloma patients. Without the diagnosis list the safe side is to check anyway.
  if (!snapshot.unavailable.includes('conditions') && !inMyelomaScope(snapshot)) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const draft of snapshot.draftOrders) {
    if (!draft.inFocus || seen.has(draft.ref) || !draft.medication || !hasConcept(draft.medication, [LIVE_VACCINE])) continue;
    seen.add(draft.ref);
    const f = judge(draft, snapshot, ctx.now);
    if (f) findings.push(f);
  }
  return findings;
}

export const vaccineLiveContraindication: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'procedures'],
  handlesUnavailable: true,
  evaluate,
};
