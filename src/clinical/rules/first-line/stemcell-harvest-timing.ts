import type { DraftOrder, EvaluationContext, Finding, MedicationEntry, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { PLANNED_DATE, STEM_CELL_APHERESIS, calendarDaysBetween, clinicalDate, procedureDrafts, validDate } from './context.js';
import { inMyelomaScope } from '../support/conditions.js';
import { currentMedications, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';

// Catalogue A.6 `stemcell-harvest-timing`: harvest after induction cycle 3.
// Seed [003] «Stamcellehøsting»: «Bør gjøres etter 3. induksjonssyklus.»

export const RULE_ID = 'stemcell-harvest-timing';

/** «Bør gjøres etter 3. induksjonssyklus.» */
export const HARVEST_AFTER_CYCLE = 3;
/** «Sykluslengde: 28 dager» (VRd, Dara-VRd, Isa-VRd before HMAS). */
export const CYCLE_LENGTH_DAYS = 28;

/** The induction drugs of VRd / Dara-VRd / Isa-VRd by class. */
const INDUCTION_CLASSES = ['class:proteasome-inhibitor', 'class:imid', 'class:cd38-antibody'];
const CD38_ANTIBODY = 'class:cd38-antibody';

const CYCLES = 'induction-cycles';
const INDUCTION_START = 'induction-start';

export const CRITERIA = {
  before3: 'fewer-than-3-cycles',
  after3: 'more-than-3-cycles',
  cd38InInduction: 'cd38-antibody-in-induction',
  plannedDateFromOrderDate: 'planned-date-is-order-date',
} as const;

/** The start of the current induction: the earliest current order of an induction drug (proposal). */
function inductionStart(snapshot: PatientSnapshot): { at: Date; entry: MedicationEntry } | undefined {
  let best: { at: Date; entry: MedicationEntry } | undefined;
  for (const m of currentMedications(snapshot, INDUCTION_CLASSES)) {
    const at = validDate(m.date);
    if (at && (!best || at.getTime() < best.at.getTime())) best = { at, entry: m };
  }
  return best;
}

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder): Finding | undefined {
  const stated = validDate(draft.procedure?.date);
  const planned = stated ?? ctx.now;
  const plannedValue: UsedValue = { concept: PLANNED_DATE, value: clinicalDate(planned), date: planned, source: sourceOf(draft.ref) };
  const start = inductionStart(snapshot);
  if (!start) {
    // MD-info: no current induction order with a start date, so the cycle count is unknown.
    return { ruleId: RULE_ID, outcome: 'not-evaluable', subject: draft.ref, variant: 'default', params: {}, values: [plannedValue], missing: [INDUCTION_START], indicator: 'info' };
  }
  const cycles = Math.max(0, Math.floor(calendarDaysBetween(start.at, planned) / CYCLE_LENGTH_DAYS));
  if (cycles === HARVEST_AFTER_CYCLE) return undefined;
  const criteriaMet: string[] = [cycles < HARVEST_AFTER_CYCLE ? CRITERIA.before3 : CRITERIA.after3];
  const withCd38 = currentMedications(snapshot, [CD38_ANTIBODY]).length > 0;
  if (withCd38) criteriaMet.push(CRITERIA.cd38InInduction);
  if (!stated) criteriaMet.push(CRITERIA.plannedDateFromOrderDate);
  return {
    ruleId: RULE_ID,
    outcome: 'fired',
    subject: draft.ref,
    // «Høsting etter 3 sykluser er spesielt viktig når man starter med Dara-VRd»: a late harvest
    // after a CD38-antibody induction gets its own wording.
    variant: cycles < HARVEST_AFTER_CYCLE ? 'early' : withCd38 ? 'late-cd38' : 'late',
    params: { cycles, start: clinicalDate(start.at) },
    values: [usedMedication(start.entry, INDUCTION_START), { concept: CYCLES, value: cycles, source: sourceOf(draft.ref) }, plannedValue],
    missing: [],
    criteriaMet,
    indicator: 'info',
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = procedureDrafts(snapshot, STEM_CELL_APHERESIS);
  if (drafts.length === 0 || !inMyelomaScope(snapshot)) return [];
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const draft of drafts) {
    if (seen.has(draft.ref)) continue;
    seen.add(draft.ref);
    const f = findingFor(snapshot, ctx, draft);
    if (f) out.push(f);
  }
  return out;
}

export const stemcellHarvestTiming: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'medicationRequests', 'medicationStatements'],
  evaluate,
};
