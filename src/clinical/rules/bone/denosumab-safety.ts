import type { EvaluationContext, Finding, LabValue, MedicationEntry, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { latestLab, usedLab } from '../support/labs.js';
import { administrationsOf, currentMedications, draftsWith, hasConcept, usedMedication } from '../support/medications.js';

// Catalogue A.10 `denosumab-safety`: hypocalcaemia watch when denosumab is ordered, and the final
// zoledronic acid dose when it is stopped. Seed [003] «Bisfosfonater og denosumab».

export const RULE_ID = 'denosumab-safety';

const DENOSUMAB = 'drug:denosumab';
const ZOLEDRONIC_ACID = 'drug:zoledronic-acid';
const CALCIUM_CONCEPTS = ['lab:calcium-corrected', 'lab:calcium'];
const CALCIUM_UNIT = 'mmol/L';
const CALCIUM_LOINC = '2000-8';
const EGFR = 'lab:egfr';
const EGFR_UNIT = 'mL/min/{1.73_m2}';

/** A.0.5 (proposal, catalogue «require Ca within 14 days»): «man må være obs på potensiell hypokalsemi» */
export const CALCIUM_MAX_AGE_DAYS = 14;
/** «Bisfosfonater anbefales ikke hvis GFR<30 ml/min.» (the exit-dose conflict, C-29) */
export const GFR_NOT_RECOMMENDED_BELOW = 30;
/** A.0.5 (proposal): dosing labs no more than 14 days old. */
export const EGFR_MAX_AGE_DAYS = 14;

/** A denosumab course that has ended (R4 request/statement statuses). */
const ENDED = new Set(['stopped', 'completed']);

/** Corrected calcium when the lab reports it (C-30), else total calcium, within the window. */
function recentCalcium(snapshot: PatientSnapshot, now: Date): LabValue | undefined {
  for (const concept of CALCIUM_CONCEPTS) {
    const v = latestLab(snapshot, concept, CALCIUM_UNIT, now, CALCIUM_MAX_AGE_DAYS);
    if (v) return v;
  }
  return undefined;
}

function lowGfr(snapshot: PatientSnapshot, now: Date): LabValue | undefined {
  const egfr = latestLab(snapshot, EGFR, EGFR_UNIT, now, EGFR_MAX_AGE_DAYS);
  return egfr && egfr.value < GFR_NOT_RECOMMENDED_BELOW ? egfr : undefined;
}

function whenOf(m: MedicationEntry): Date | undefined {
  const d = m.occurredAt ?? m.date;
  return d && Number.isFinite(d.getTime()) ? d : undefined;
}

/** Order-sign: each denosumab draft needs a recent calcium. */
function orderFindings(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = draftsWith(snapshot, [DENOSUMAB], true).filter((d, i, all) => all.findIndex((o) => o.ref === d.ref) === i);
  if (drafts.length === 0) return [];
  const calcium = recentCalcium(snapshot, ctx.now);
  const gfr = lowGfr(snapshot, ctx.now);
  return drafts.map((d): Finding => {
    const med = d.medication as MedicationEntry;
    const values: UsedValue[] = [usedMedication(med)];
    if (calcium) values.push(usedLab(calcium));
    if (gfr) values.push(usedLab(gfr));
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: med.display } as Record<string, string | number>, values };
    if (!calcium) {
      // MD-warn: hypocalcaemia cannot be watched without a calcium value.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        missing: ['lab:calcium'],
        ...(gfr ? { criteriaMet: ['egfr-below-30'] } : {}),
        suggestions: [{ template: 'order-lab', params: { concept: 'lab:calcium', loinc: CALCIUM_LOINC } }],
      };
    }
    base.params.calcium = calcium.value;
    return { ...base, outcome: 'fired', variant: 'ordered', missing: [], criteriaMet: ['calcium-within-14-days', ...(gfr ? ['egfr-below-30'] : [])] };
  });
}

/** Patient-view: denosumab stopped with no zoledronic acid given or ordered since. */
function stopFindings(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const denosumab = snapshot.medications.filter((m) => hasConcept(m, [DENOSUMAB]) && m.status !== 'entered-in-error');
  if (denosumab.length === 0) return [];
  if (currentMedications(snapshot, [DENOSUMAB]).length > 0 || draftsWith(snapshot, [DENOSUMAB], false).length > 0) return [];
  const ended = denosumab.filter((m) => m.status !== undefined && ENDED.has(m.status));
  if (ended.length === 0) return [];
  // The stop is dated by the newest denosumab record or administration.
  const dated = [...ended, ...administrationsOf(snapshot, [DENOSUMAB])].map((m) => ({ m, at: whenOf(m) }));
  const newest = dated.reduce<{ m: MedicationEntry; at?: Date } | undefined>(
    (best, x) => (!best || (x.at && (!best.at || x.at.getTime() > best.at.getTime())) ? x : best),
    undefined,
  );
  const stoppedAt = newest?.at;
  const after = (d: Date | undefined): boolean => d !== undefined && (!stoppedAt || d.getTime() >= stoppedAt.getTime());
  const exitDose =
    administrationsOf(snapshot, [ZOLEDRONIC_ACID]).some((a) => after(whenOf(a))) ||
    currentMedications(snapshot, [ZOLEDRONIC_ACID], new Set(['active'])).some((m) => whenOf(m) === undefined || after(whenOf(m))) ||
    draftsWith(snapshot, [ZOLEDRONIC_ACID], false).length > 0;
  if (exitDose) return [];
  const gfr = lowGfr(snapshot, ctx.now);
  const values: UsedValue[] = [usedMedication((newest as { m: MedicationEntry }).m, 'denosumab-stopped')];
  if (gfr) values.push(usedLab(gfr));
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: gfr ? 'stopped-gfr-below-30' : 'stopped',
      params: { drug: (newest as { m: MedicationEntry }).m.display },
      values,
      missing: [],
      criteriaMet: ['denosumab-stopped', ...(gfr ? ['egfr-below-30'] : [])],
      criteriaNotMet: ['final-zoledronic-acid'],
      suggestions: [{ template: 'create-zoledronic-acid-final-dose' }],
    },
  ];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  return ctx.hook === 'patient-view' ? stopFindings(snapshot, ctx) : orderFindings(snapshot, ctx);
}

export const denosumabSafety: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-sign'],
  needs: ['observations', 'medicationRequests', 'medicationStatements', 'medicationAdministrations'],
  evaluate,
};
