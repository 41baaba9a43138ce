import type { DataDomain, EvaluationContext, Finding, Hook, Indicator, MedicationEntry, PatientSnapshot, ProcedureEntry, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { draftsInFocus, givenAt, plannedTime } from './context.js';
import { isCurrentCondition } from '../support/conditions.js';
import { administrationsOf, currentMedications, draftsWith, hasConcept, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';

// Catalogue A.7 `belantamab-eye-safety`. Seed [003] BPd/BVd «Spesielle anbefalinger mot
// øyebivirkningene»: «Øyelegeundersøkelse før første dose med belantamab mafodotin. Deretter ved
// symptomer. Profylaktisk kunstig tårevæske uten konserveringsmiddel (eks hyprosan, artelac etc) minst
// 4 ganger om dagen under hele behandlingen. Pasienten bør unngå kontaktlinser. Ved symptomer fra
// øynene nulles medikamentet og pasienten henvises til ny øyelegekontroll.»

export const RULE_ID = 'belantamab-eye-safety';

const BELANTAMAB = 'drug:belantamab-mafodotin';
const EXAM = 'proc:ophthalmology-exam';
const OCULAR_SYMPTOMS = 'cond:ocular-symptoms';
/** Preservative-free tear substitutes: artificial tears (S01XA20) or hypromellose eye drops (S01KA02). */
const TEARS = ['drug:artificial-tears', 'drug:hypromellose-eye-drops'];
/**
 * «minst 4 ganger om dagen»: the frequency the suggested order carries. The snapshot has no dose
 * frequency, so an order on record is not checked against it.
 */
export const TEARS_MIN_TIMES_PER_DAY = 4;

const NOT_DONE = new Set(['not-done', 'entered-in-error', 'cancelled', 'revoked', 'stopped']);
const REFERRAL_STATUSES = new Set(['active', 'draft', 'on-hold']);
const DOSE_STATEMENT_STATUSES = new Set(['active', 'completed', 'on-hold']);
const NEEDS: DataDomain[] = ['medicationRequests', 'medicationAdministrations', 'medicationStatements', 'conditions', 'procedures', 'serviceRequests'];

type ExamStatus = { kind: 'done'; entry: ProcedureEntry } | { kind: 'undated'; entry: ProcedureEntry } | { kind: 'ordered'; entry: ProcedureEntry } | { kind: 'none' };

/** Belantamab given (administrations, statements) before `before`; an undated dose counts as before. */
function priorDoses(snapshot: PatientSnapshot, before: Date): MedicationEntry[] {
  const earlier = (at: Date | undefined): boolean => !isValidDate(at) || at.getTime() < before.getTime();
  const given = administrationsOf(snapshot, [BELANTAMAB]).filter((a) => earlier(givenAt(a)));
  const stated = snapshot.medications.filter(
    (m) => m.source === 'MedicationStatement' && m.status !== undefined && DOSE_STATEMENT_STATUSES.has(m.status) && hasConcept(m, [BELANTAMAB]) && earlier(m.date),
  );
  return [...given, ...stated];
}

function lastDoseAt(doses: MedicationEntry[]): Date | undefined {
  const times = doses.map((d) => (d.source === 'MedicationStatement' ? (d.occurredAt ?? d.date) : givenAt(d))).filter(isValidDate);
  return times.length > 0 ? new Date(Math.max(...times.map((t) => t.getTime()))) : undefined;
}

/** The baseline exam: done before the dose, done without a date, ordered (referral), or none. */
function examStatus(snapshot: PatientSnapshot, before: Date): ExamStatus {
  const exams = snapshot.procedures.filter((p) => p.concepts.includes(EXAM) && !(p.status !== undefined && NOT_DONE.has(p.status)));
  const done = exams.filter((p) => p.source === 'Procedure');
  const dated = done.find((p) => isValidDate(p.date) && p.date.getTime() <= before.getTime());
  if (dated) return { kind: 'done', entry: dated };
  const undated = done.find((p) => !isValidDate(p.date));
  if (undated) return { kind: 'undated', entry: undated };
  const referral =
    exams.find((p) => p.source === 'ServiceRequest' && p.status !== undefined && REFERRAL_STATUSES.has(p.status)) ??
    snapshot.draftOrders.map((d) => d.procedure).find((p): p is ProcedureEntry => p !== undefined && p.concepts.includes(EXAM));
  return referral ? { kind: 'ordered', entry: referral } : { kind: 'none' };
}

/** Current eye-symptom Conditions documented after the last dose (any, before the first dose). */
function symptomsSince(snapshot: PatientSnapshot, since: Date | undefined): UsedValue[] {
  return snapshot.conditions
    .filter((c) => c.concepts.includes(OCULAR_SYMPTOMS) && isCurrentCondition(c))
    .filter((c) => {
      if (!since) return true;
      const dates = [c.onset, c.recorded].filter(isValidDate);
      // Undated symptoms cannot be placed before the last dose, so they count.
      return dates.length === 0 || dates.some((d) => d.getTime() > since.getTime());
    })
    .map((c) => {
      const date = c.onset ?? c.recorded;
      return { concept: OCULAR_SYMPTOMS, value: c.display, ...(date ? { date } : {}), source: sourceOf(c.ref) };
    });
}

/** A tear substitute active on record or ordered in this session. */
function tearSubstitute(snapshot: PatientSnapshot): MedicationEntry | undefined {
  return currentMedications(snapshot, TEARS, new Set(['active']))[0] ?? draftsWith(snapshot, TEARS, false)[0]?.medication;
}

type Variant = 'eye-symptoms' | 'no-baseline-exam' | 'exam-ordered' | 'no-tears' | 'start-reminder';

/** A.0.1/A.0.2: the hard stops are critical at sign, warnings before it; reminders are info. */
function indicatorFor(variant: Variant, hook: Hook): Indicator {
  if (variant === 'eye-symptoms' || variant === 'no-baseline-exam') return hook === 'order-sign' ? 'critical' : 'warning';
  return variant === 'exam-ordered' ? 'warning' : 'info';
}

interface Subject {
  ref: string;
  medication: MedicationEntry;
  /** The draft ref to hold (order hooks), absent on patient-view. */
  draftRef?: string;
  at: Date;
}

function judge(snapshot: PatientSnapshot, hook: Hook, s: Subject): Finding | undefined {
  const base = { ruleId: RULE_ID, subject: s.ref, params: { drug: s.medication.display } };
  const values: UsedValue[] = [usedMedication(s.medication, BELANTAMAB)];

  const unavailable = NEEDS.filter((d) => snapshot.unavailable.includes(d));
  if (unavailable.length > 0) {
    return { ...base, outcome: 'not-evaluable', variant: 'default', values, missing: unavailable.map((d) => `domain:${d}`), criteriaMet: ['belantamab'], indicator: hook === 'order-sign' ? 'warning' : 'info' };
  }

  const doses = priorDoses(snapshot, s.at);
  const first = doses.length === 0;
  const last = lastDoseAt(doses);
  const met: string[] = ['belantamab', ...(first ? ['first-dose'] : [])];
  const suggestions: SuggestionRequest[] = [];
  if (last) values.push({ concept: 'last-dose', value: s.medication.display, date: last });

  const symptoms = symptomsSince(snapshot, last);
  const exam = first ? examStatus(snapshot, s.at) : undefined;
  const tears = tearSubstitute(snapshot);

  if (symptoms.length > 0) {
    met.push('eye-symptoms');
    values.push(...symptoms);
    if (s.draftRef) suggestions.push({ template: 'hold-dose', targetRef: s.draftRef });
  }
  if (exam?.kind === 'none') met.push('no-baseline-exam');
  if (exam?.kind === 'ordered') {
    met.push('exam-ordered');
    values.push({ concept: EXAM, value: exam.entry.display, ...(exam.entry.date ? { date: exam.entry.date } : {}), source: sourceOf(exam.entry.ref) });
  }
  if (exam && exam.kind !== 'none' && exam.kind !== 'ordered') values.push({ concept: EXAM, value: exam.entry.display, ...(exam.entry.date ? { date: exam.entry.date } : {}), source: sourceOf(exam.entry.ref) });
  // A referral is offered when none is on record: for symptoms always, before the first dose when the exam is missing.
  const referralOnRecord = examStatus(snapshot, s.at).kind === 'ordered';
  if ((symptoms.length > 0 || exam?.kind === 'none') && !referralOnRecord) suggestions.push({ template: 'refer-ophthalmology' });
  if (tears) values.push(usedMedication(tears, 'tears'));
  else {
    met.push('no-tears');
    suggestions.push({ template: 'create-hypromellose' });
  }

  if (exam?.kind === 'undated') {
    // MD-warn: an exam on record without a date cannot be placed before the first dose.
    return { ...base, outcome: 'not-evaluable', variant: 'exam-undated', values, missing: [EXAM], criteriaMet: met, suggestions, indicator: hook === 'order-sign' ? 'warning' : 'info' };
  }

  let variant: Variant | undefined;
  if (symptoms.length > 0) variant = 'eye-symptoms';
  else if (exam?.kind === 'none') variant = 'no-baseline-exam';
  else if (exam?.kind === 'ordered') variant = 'exam-ordered';
  else if (!tears) variant = 'no-tears';
  else if (first && hook === 'order-select') variant = 'start-reminder';
  if (!variant) return undefined;
  return { ...base, outcome: 'fired', variant, values, missing: [], criteriaMet: met, ...(suggestions.length > 0 ? { suggestions } : {}), indicator: indicatorFor(variant, hook) };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (ctx.hook === 'patient-view') {
    // MD-scope: on belantamab = an active or paused order or statement on record.
    const current = currentMedications(snapshot, [BELANTAMAB])[0];
    if (!current) return [];
    const f = judge(snapshot, ctx.hook, { ref: 'patient', medication: current, at: ctx.now });
    return f ? [f] : [];
  }
  // MD-scope: a belantamab draft in focus.
  return draftsInFocus(snapshot)
    .flatMap((d) => (d.medication && hasConcept(d.medication, [BELANTAMAB]) ? [judge(snapshot, ctx.hook, { ref: d.ref, medication: d.medication, draftRef: d.ref, at: plannedTime(d, ctx.now) })] : []))
    .filter((f): f is Finding => f !== undefined);
}

export const belantamabEyeSafety: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: NEEDS,
  handlesUnavailable: true,
  evaluate,
};
