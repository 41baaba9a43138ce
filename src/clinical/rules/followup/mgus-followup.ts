import type { ConditionEntry, EvaluationContext, Finding, LabValue, PatientSnapshot, ProcedureEntry, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { currentConditions, earliestDiagnosis, hasCurrentCondition, usedCondition } from '../support/conditions.js';
import { labNearest, labValues, usedLab } from '../support/labs.js';
import { isoDate } from '../support/time.js';
import { addMonths } from '../support/calendar.js';

// Catalogue A.3 `mgus-followup`: GP follow-up of MGUS 6 months after diagnosis, then yearly, with
// eight tests. Seed [003] «Oppfølging av MGUS, ulmende myelomatose og plasmacytomer», «MGUS».

export const RULE_ID = 'mgus-followup';

const MGUS = 'cond:mgus';
/** Progressed or other plasma-cell disease: followed by the haematologist, not as MGUS. */
const BEYOND_MGUS = [
  'cond:multiple-myeloma',
  'cond:smouldering-myeloma',
  'cond:plasma-cell-leukaemia',
  'cond:extramedullary-plasmacytoma',
  'cond:solitary-plasmacytoma-bone',
  'cond:al-amyloidosis',
];

/** «Det anbefales oppfølging hos fastlege etter 6 måneder og deretter årlig.» */
export const FIRST_FOLLOWUP_MONTHS = 6;
export const FOLLOWUP_INTERVAL_MONTHS = 12;
/** Proposal (catalogue A.3): a due test shows once it is more than 1 month overdue; one taken up to 1 month early counts. */
export const TOLERANCE_MONTHS = 1;
/** A.0.5 (proposal): the baseline is the value within ±60 days of the diagnosis date. */
export const BASELINE_WINDOW_DAYS = 60;

interface FollowupTest {
  key: string;
  /** Any of these concepts counts as the test. */
  concepts: { concept: string; unit: string }[];
  /** Order-the-test suggestions (one ServiceRequest each). */
  orders: { concept: string; loinc: string }[];
}

/** «Følgende prøver bør følges: Hb, kreatinin, calcium, NT-pro-BNP, ALP, S-elektroforese, frie lette kjeder, U-albumin/kreatinin-ratio.» */
export const FOLLOWUP_TESTS: FollowupTest[] = [
  { key: 'hb', concepts: [{ concept: 'lab:hb', unit: 'g/dL' }], orders: [{ concept: 'lab:hb', loinc: '718-7' }] },
  { key: 'creatinine', concepts: [{ concept: 'lab:creatinine', unit: 'umol/L' }], orders: [{ concept: 'lab:creatinine', loinc: '14682-9' }] },
  {
    key: 'calcium',
    concepts: [
      { concept: 'lab:calcium', unit: 'mmol/L' },
      { concept: 'lab:calcium-corrected', unit: 'mmol/L' },
    ],
    orders: [{ concept: 'lab:calcium', loinc: '2000-8' }],
  },
  { key: 'ntprobnp', concepts: [{ concept: 'lab:ntprobnp', unit: 'pg/mL' }], orders: [{ concept: 'lab:ntprobnp', loinc: '33762-6' }] },
  { key: 'alp', concepts: [{ concept: 'lab:alp', unit: 'U/L' }], orders: [{ concept: 'lab:alp', loinc: '6768-6' }] },
  { key: 'spep', concepts: [{ concept: 'lab:mprotein', unit: 'g/L' }], orders: [{ concept: 'lab:mprotein', loinc: '33358-3' }] },
  {
    key: 'flc',
    concepts: [
      { concept: 'lab:flc-kappa', unit: 'mg/L' },
      { concept: 'lab:flc-lambda', unit: 'mg/L' },
      { concept: 'lab:flc-ratio', unit: '{ratio}' },
    ],
    orders: [
      { concept: 'lab:flc-kappa', loinc: '36916-5' },
      { concept: 'lab:flc-lambda', loinc: '33944-0' },
    ],
  },
  { key: 'urine-acr', concepts: [{ concept: 'lab:urine-acr', unit: 'mg/g' }], orders: [{ concept: 'lab:urine-acr', loinc: '9318-7' }] },
];

/** MGUS on its own: a current MGUS diagnosis and nothing beyond it. */
export function mgusOnly(snapshot: PatientSnapshot): ConditionEntry[] {
  const mgus = currentConditions(snapshot, [MGUS]);
  return mgus.length > 0 && !hasCurrentCondition(snapshot, BEYOND_MGUS) ? mgus : [];
}

/** Diagnosis date: the condition's onset (else recorded date); else the first M-protein result (catalogue). */
export function mgusDiagnosis(snapshot: PatientSnapshot, mgus: ConditionEntry[]): { date: Date; value: UsedValue } | undefined {
  const dx = earliestDiagnosis(mgus);
  if (dx) return { date: dx.date, value: usedCondition(dx.condition, dx.date) };
  const first = labValues(snapshot, 'lab:mprotein', 'g/L').at(-1);
  return first ? { date: first.effective, value: { ...usedLab(first), concept: 'first-mprotein' } } : undefined;
}

/** The latest due date that is more than the tolerance overdue at `now`; undefined before the first. */
export function overdueDueDate(diagnosis: Date, now: Date): Date | undefined {
  let due: Date | undefined;
  for (let k = 0; ; k += 1) {
    const next = addMonths(diagnosis, FIRST_FOLLOWUP_MONTHS + k * FOLLOWUP_INTERVAL_MONTHS);
    if (now.getTime() <= addMonths(next, TOLERANCE_MONTHS).getTime()) return due;
    due = next;
  }
}

/** The newest result of a test, or a current order of it, since `from`. */
function takenSince(snapshot: PatientSnapshot, test: FollowupTest, from: Date, now: Date): LabValue | ProcedureEntry | undefined {
  for (const { concept, unit } of test.concepts) {
    const v = labValues(snapshot, concept, unit).find((x) => x.effective.getTime() >= from.getTime() && x.effective.getTime() <= now.getTime());
    if (v) return v;
  }
  // An order of the test (active request, or drafted now) counts: the GP has acted on it.
  const ordered = [...snapshot.procedures, ...snapshot.draftOrders.map((d) => d.procedure).filter((p): p is ProcedureEntry => p !== undefined)];
  return ordered.find(
    (p) =>
      p.source !== 'Procedure' &&
      (p.status === undefined || p.status === 'active' || p.status === 'draft') &&
      p.concepts.some((c) => test.concepts.some((t) => t.concept === c)) &&
      (p.date === undefined || p.date.getTime() >= from.getTime()),
  );
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const mgus = mgusOnly(snapshot);
  if (mgus.length === 0) return [];
  const dx = mgusDiagnosis(snapshot, mgus);
  if (!dx) {
    // MD-info: neither a diagnosis date nor an M-protein result to start the schedule from.
    const first = mgus[0] as ConditionEntry;
    return [
      {
        ruleId: RULE_ID,
        outcome: 'not-evaluable',
        subject: 'patient',
        variant: 'default',
        params: {},
        values: [usedCondition(first)],
        missing: ['diagnosis-date', 'lab:mprotein'],
        suggestions: [{ template: 'order-lab', params: { concept: 'lab:mprotein', loinc: '33358-3' } }],
      },
    ];
  }
  const due = overdueDueDate(dx.date, ctx.now);
  if (!due) return [];
  const from = addMonths(due, -TOLERANCE_MONTHS);
  const met: string[] = [];
  const notMet: string[] = [];
  const values: UsedValue[] = [dx.value];
  const suggestions: SuggestionRequest[] = [];
  for (const test of FOLLOWUP_TESTS) {
    const found = takenSince(snapshot, test, from, ctx.now);
    if (found) {
      met.push(test.key);
      if ('value' in found && typeof found.value === 'number') values.push(usedLab(found));
    } else {
      notMet.push(test.key);
      for (const o of test.orders) suggestions.push({ template: 'order-lab', params: o });
    }
  }
  if (notMet.length === 0) return [];
  // C-8 baseline: mgus-rereferral-trigger needs an M-protein at diagnosis; say so when there is none.
  if (!labNearest(snapshot, 'lab:mprotein', 'g/L', dx.date, BASELINE_WINDOW_DAYS, ctx.now)) notMet.push('baseline-mprotein');
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: 'default',
      params: { due: isoDate(due), count: notMet.filter((k) => k !== 'baseline-mprotein').length },
      values,
      missing: [],
      ...(met.length > 0 ? { criteriaMet: met } : {}),
      criteriaNotMet: notMet,
      suggestions,
    },
  ];
}

export const mgusFollowup: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'serviceRequests'],
  evaluate,
};
