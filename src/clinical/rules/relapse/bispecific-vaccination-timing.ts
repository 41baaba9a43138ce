import type { DraftOrder, EvaluationContext, Finding, Indicator, MedicationEntry, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import {
  STEP_UP_DRUGS,
  bispecificPhase,
  bispecificPhases,
  calendarDaysBetween,
  draftsInFocus,
  givenAt,
  plannedTime,
  type BispecificPhase,
} from './context.js';
import { administrationsOf, currentMedications, hasConcept, usedMedication } from '../support/medications.js';
import { isValidDate } from '../support/time.js';

// Catalogue A.7 `bispecific-vaccination-timing`. Seed [003] «Teklistamab»/«Elranatamab»/«Talkvetamab»:
// «Sjekk vaksinasjonsstatus og revaksiner før oppstart hvis indikasjon og tid til å utsette behandling.
// Vaksinasjon rett før oppstart (dager) anbefales ikke grunnet mulig økt risiko for CRS.» «Vaksiner»:
// «Hvis man har mulighet, bør man tilstrebe å oppdatere vaksinasjonsstatus før man starter behandling
// med CAR-T og bispesifikke.» «anbefales ikke» → warning at sign (A.0.2), info on order-select (A.0.1).
// Vaccines are read from Immunization resources (kept with the administrations) and from
// vaccine-class medication records.

export const RULE_ID = 'bispecific-vaccination-timing';

const VACCINE = 'class:vaccine';
/** C-24 (proposal): «Vaksinasjon rett før oppstart (dager)» read as ≤ 7 calendar days before the first step-up. */
export const VACCINE_DAYS_BEFORE_START = 7;

/** Records that say a vaccine was or will be given (not a cancelled or refused one). */
const GIVEN_OR_PLANNED = new Set(['active', 'completed', 'on-hold', 'intended']);

interface VaccineEvent {
  entry: MedicationEntry;
  at: Date;
}

/** Vaccines on record with the time they were given (administration, statement) or ordered (request). */
function recordedVaccines(snapshot: PatientSnapshot): VaccineEvent[] {
  const out: VaccineEvent[] = [];
  for (const a of administrationsOf(snapshot, [VACCINE])) {
    const at = givenAt(a);
    if (at) out.push({ entry: a, at });
  }
  for (const m of snapshot.medications) {
    if (!hasConcept(m, [VACCINE]) || m.status === undefined || !GIVEN_OR_PLANNED.has(m.status)) continue;
    const at = m.source === 'MedicationStatement' ? (m.occurredAt ?? m.date) : m.date;
    if (isValidDate(at)) out.push({ entry: m, at });
  }
  return out;
}

/** Any vaccine on record or in the order session: the vaccination history is not empty. */
function hasVaccinationHistory(snapshot: PatientSnapshot): boolean {
  const onRecord = [...snapshot.medications, ...snapshot.administrations].some(
    (m) => m.status !== 'entered-in-error' && m.status !== 'not-done' && hasConcept(m, [VACCINE]),
  );
  return onRecord || snapshot.draftOrders.some((d) => d.medication !== undefined && hasConcept(d.medication, [VACCINE]));
}

/** 0–7 calendar days (Norwegian wall clock) from the vaccine to the start, the vaccine not after it. */
function daysBeforeStart(vaccineAt: Date, startAt: Date): number | undefined {
  if (vaccineAt.getTime() > startAt.getTime()) return undefined;
  const days = calendarDaysBetween(vaccineAt, startAt);
  return days <= VACCINE_DAYS_BEFORE_START ? days : undefined;
}

function indicatorFor(ctx: EvaluationContext, onSign: Indicator): Indicator {
  return ctx.hook === 'order-sign' ? onSign : 'info';
}

/** A draft bispecific start: the vaccines recorded in the days before it, else the status check. */
function judgeStart(snapshot: PatientSnapshot, ctx: EvaluationContext, p: BispecificPhase): Finding | undefined {
  const base = { ruleId: RULE_ID, subject: p.draft.ref };
  const start = usedMedication(p.medication, p.protocol.drug);
  const recorded = recordedVaccines(snapshot);
  const near = recorded
    .map((v) => ({ v, days: daysBeforeStart(v.at, p.plannedAt) }))
    .filter((x): x is { v: VaccineEvent; days: number } => x.days !== undefined)
    .sort((a, b) => a.days - b.days);
  const closest = near[0];
  if (closest) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'vaccinated-before-start',
      params: { drug: p.medication.display, vaccine: closest.v.entry.display, days: closest.days },
      values: [start, ...near.map((x) => usedMedication(x.v.entry, VACCINE))],
      missing: [],
      criteriaMet: ['bispecific-start', 'vaccine-within-7-days'],
      indicator: indicatorFor(ctx, 'warning'),
    };
  }
  if (!hasVaccinationHistory(snapshot)) {
    // Missing data: no vaccine on record, so neither the status nor the last days can be checked.
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: 'default',
      params: { drug: p.medication.display },
      values: [start],
      missing: [VACCINE],
      criteriaMet: ['bispecific-start'],
      // Catalogue: «Immunization history empty → info "vaccination status unknown"».
      indicator: 'info',
    };
  }
  // The status check is a reminder before the start (order-select); at sign only a conflict counts.
  if (ctx.hook !== 'order-select') return undefined;
  const latest = [...recorded].sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  const values: UsedValue[] = [start, ...(latest ? [usedMedication(latest.entry, VACCINE)] : [])];
  return {
    ...base,
    outcome: 'fired',
    variant: 'status-check',
    params: { drug: p.medication.display },
    values,
    missing: [],
    criteriaMet: ['bispecific-start'],
    criteriaNotMet: ['vaccine-within-7-days'],
    indicator: 'info',
  };
}

/** Planned bispecific starts: first step-up drafts in the session, and orders on record not yet given. */
function plannedStarts(snapshot: PatientSnapshot, now: Date): { at: Date; entry: MedicationEntry }[] {
  const out: { at: Date; entry: MedicationEntry }[] = [];
  for (const d of snapshot.draftOrders) {
    const p = bispecificPhase(snapshot, d, now);
    if (p?.kind === 'step-up' && p.stepUp === 1) out.push({ at: p.plannedAt, entry: p.medication });
  }
  for (const m of currentMedications(snapshot, STEP_UP_DRUGS, new Set(['active']))) {
    const drug = STEP_UP_DRUGS.find((x) => hasConcept(m, [x]));
    if (!drug || administrationsOf(snapshot, [drug]).length > 0 || !isValidDate(m.date)) continue;
    out.push({ at: m.date, entry: m });
  }
  return out;
}

/** A draft vaccine planned in the days before a bispecific start. */
function judgeVaccineDraft(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder): Finding | undefined {
  const vaccine = draft.medication;
  if (!vaccine) return undefined;
  const at = plannedTime(draft, ctx.now);
  const starts = plannedStarts(snapshot, ctx.now)
    .map((s) => ({ s, days: daysBeforeStart(at, s.at) }))
    .filter((x): x is { s: { at: Date; entry: MedicationEntry }; days: number } => x.days !== undefined)
    .sort((a, b) => a.days - b.days);
  const first = starts[0];
  if (!first) return undefined;
  return {
    ruleId: RULE_ID,
    outcome: 'fired',
    subject: draft.ref,
    variant: 'vaccine-before-start',
    params: { drug: first.s.entry.display, vaccine: vaccine.display, days: first.days },
    values: [usedMedication(vaccine, VACCINE), usedMedication(first.s.entry, 'planned-start')],
    missing: [],
    criteriaMet: ['bispecific-start-planned', 'vaccine-within-7-days'],
    suggestions: [{ template: 'postpone-vaccine', targetRef: draft.ref }],
    indicator: indicatorFor(ctx, 'warning'),
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // MD-scope: a first step-up draft of a bispecific, or a vaccine draft, in focus.
  const starts = bispecificPhases(snapshot, ctx)
    .filter((p) => p.kind === 'step-up' && p.stepUp === 1)
    .map((p) => judgeStart(snapshot, ctx, p));
  const vaccines = draftsInFocus(snapshot)
    .filter((d) => d.medication !== undefined && hasConcept(d.medication, [VACCINE]))
    .map((d) => judgeVaccineDraft(snapshot, ctx, d));
  return [...starts, ...vaccines].filter((f): f is Finding => f !== undefined);
}

export const bispecificVaccinationTiming: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['medicationRequests', 'medicationAdministrations', 'medicationStatements', 'immunizations'],
  evaluate,
};
