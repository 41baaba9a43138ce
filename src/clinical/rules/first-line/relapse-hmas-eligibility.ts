import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, ProcedureEntry, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { latestLab } from '../support/labs.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate, isoDate } from '../support/time.js';
import { progressionEvents } from '../response/refractory-60-days.js';
import { DOSING_LAB_WINDOW_DAYS, UNIT, draftDose, medicationDrafts, procedureDrafts } from './context.js';

// Catalogue A.6 `relapse-hmas-eligibility`. Seed [003] «Behandling av tilbakefall»: «HMAS ved
// tilbakefall anbefales bare for pasienter som ikke tidligere har fått HMAS, og som anses å kunne tåle
// HMAS. Induksjonsregimet velges på samme måte som man velger tilbakefallsbehandling, og skal
// kontinueres etter HMAS».

export const RULE_ID = 'relapse-hmas-eligibility';

const MELPHALAN = 'drug:melphalan';
const HMAS = 'proc:hmas';
/** Earlier transplants: HMAS (local code) or a stem-cell transplant coded in SNOMED CT. */
const TRANSPLANT = [HMAS, 'proc:hsct'];
const BSA = 'lab:bsa';
/**
 * The seed's high dose is 200 mg/m², 140 mg/m² at eGFR < 30 («Høydose melfalan»); a melphalan order
 * below 140 mg/m² is a low-dose alkylator (6th line), not HMAS.
 */
export const HIGH_DOSE_FROM_MG_M2 = 140;
const PER_M2 = 'mg/m2';
const NOT_DONE = new Set(['not-done', 'entered-in-error', 'stopped', 'cancelled']);

/**
 * A high-dose melphalan order: stated in mg/m² ≥ 140, or in mg and ≥ 140 mg/m² with a BSA of the
 * dosing window. An order without a readable dose counts (the HMAS order is the safer reading).
 */
function isHighDose(snapshot: PatientSnapshot, draft: DraftOrder, now: Date): boolean {
  const perM2 = draftDose(draft, PER_M2);
  if (perM2 !== undefined) return perM2 >= HIGH_DOSE_FROM_MG_M2;
  const mg = draftDose(draft, 'mg');
  if (mg === undefined) return true;
  const bsa = latestLab(snapshot, BSA, UNIT.bsa, now, DOSING_LAB_WINDOW_DAYS);
  // Without a BSA, 140 mg/m² needs at least 140 mg for any adult BSA ≥ 1 m² (proposal).
  return bsa && bsa.value > 0 ? mg / bsa.value >= HIGH_DOSE_FROM_MG_M2 : mg >= HIGH_DOSE_FROM_MG_M2;
}

/** HMAS drafts in focus: a high-dose melphalan order or an HMAS ServiceRequest. */
function hmasDrafts(snapshot: PatientSnapshot, now: Date): DraftOrder[] {
  const seen = new Set<string>();
  return [...medicationDrafts(snapshot, [MELPHALAN]).filter((d) => isHighDose(snapshot, d, now)), ...procedureDrafts(snapshot, HMAS)].filter((d) => {
    if (seen.has(d.ref)) return false;
    seen.add(d.ref);
    return true;
  });
}

/** Transplants done before now (a Procedure, not a request), oldest first. */
export function previousTransplants(snapshot: PatientSnapshot, now: Date): ProcedureEntry[] {
  return snapshot.procedures
    .filter((p) => p.source === 'Procedure' && p.concepts.some((c) => TRANSPLANT.includes(c)) && !(p.status !== undefined && NOT_DONE.has(p.status)))
    .filter((p) => !isValidDate(p.date) || p.date.getTime() <= now.getTime())
    .sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const drafts = hmasDrafts(snapshot, ctx.now);
  if (drafts.length === 0) return [];
  // «ved tilbakefall»: a documented progression; first-line HMAS is not this rule's question.
  const events = progressionEvents(snapshot, ctx.now);
  const progression = events[events.length - 1];
  if (!progression) return [];
  const progressionValue: UsedValue = { concept: 'progression-date', value: isoDate(progression.date), date: progression.date };

  // An unreadable transplant history is reported by the engine (service.data-unavailable); no HMAS
  // on record gives the «no previous HMAS» text, which asks the clinician to confirm it.
  const prior = previousTransplants(snapshot, ctx.now);
  const last = prior[prior.length - 1];
  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, outcome: 'fired' as const, subject: d.ref, missing: [] };
    if (last) {
      const date = isValidDate(last.date) ? isoDate(last.date) : '?';
      return {
        ...base,
        variant: 'prior-hmas',
        params: { order: d.display, date },
        values: [progressionValue, { concept: 'previous-hmas', value: last.display, ...(isValidDate(last.date) ? { date: last.date } : {}), source: sourceOf(last.ref) }],
        criteriaMet: ['relapse'],
        criteriaNotMet: ['no-previous-hmas'],
      };
    }
    return { ...base, variant: 'no-prior-hmas', params: { order: d.display }, values: [progressionValue], criteriaMet: ['relapse', 'no-previous-hmas'] };
  });
}

export const relapseHmasEligibility: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'procedures'],
  evaluate,
};
