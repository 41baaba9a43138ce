import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { administrationsOf, currentMedications, draftsWith, hasConcept, usedMedication } from '../support/medications.js';
import { type SeedDose, bodySize, checkDose, courseStart, cycleDay } from '../support/regimen-dose.js';
import { isValidDate } from '../support/time.js';
import { medicationDrafts } from './context.js';

// Catalogue A.6 `induction-regimen-check`, seed [003] «Bortezomib, lenalidomid, deksametason (VRd)»,
// «… (Dara-VRd)», «… (Isa-VRd)» (HMAS pathway, 6 cycles) and the non-HMAS Dara-VRd / Isa-VRd (until
// progression). Lenalidomide and dexamethasone doses are checked by `dose-lenalidomide-renal` and
// `dose-dexamethasone-age`; this rule checks the antibody and proteasome-inhibitor components.
// order-select shows the component as the seed gives it; order-sign checks what was ordered.

export const RULE_ID = 'induction-regimen-check';

/** «Sykluslengde: 28 dager» */
export const CYCLE_DAYS = 28;
/** «Antall sykluser: 6 før HMAS»: beyond cycle 6 only the non-HMAS schedules continue. */
export const HMAS_CYCLES = 6;
/** (proposal) A dose is «too soon» when given more than one day before the seed's next day. */
export const SCHEDULE_LEEWAY_DAYS = 1;

type Component = 'bortezomib' | 'daratumumab' | 'isatuximab';

interface ComponentSpec {
  concept: string;
  seed: SeedDose;
  /** Days of the 28-day cycle the seed gives the drug on, by cycle (non-HMAS tables for cycles > 6). */
  days(cycle: number): readonly number[];
}

export const COMPONENTS: Record<Component, ComponentSpec> = {
  // «Bortezomib (subkutant) 1,3 mg/m2 Dag 1, 8, 15»; non-HMAS «Syklus 1-8: Dag 1, 8, 15».
  bortezomib: { concept: 'drug:bortezomib', seed: { value: 1.3, unit: 'mg/m2' }, days: (c) => (c <= 8 ? [1, 8, 15] : []) },
  // «Daratumumab (subkutant) 1800 mg Syklus 1-2: Dag 1, 8, 15, 22 Syklus 3-6: Dag 1, 15 Syklus 7 og videre: Dag 1».
  daratumumab: {
    concept: 'drug:daratumumab',
    seed: { value: 1800, unit: 'mg' },
    days: (c) => (c <= 2 ? [1, 8, 15, 22] : c <= 6 ? [1, 15] : [1]),
  },
  // «Isatuximab (intravenøst) 10 mg/kg Syklus 1: Dag 1, 8, 15, 22 Syklus 3 og videre: Dag 1, 15» (cycle 2 as
  // cycle 3, C-16); non-HMAS «Syklus 2-17: Dag 1, 15 Syklus 18 og videre: Dag 1».
  isatuximab: {
    concept: 'drug:isatuximab',
    seed: { value: 10, unit: 'mg/kg' },
    days: (c) => (c <= 1 ? [1, 8, 15, 22] : c <= 17 ? [1, 15] : [1]),
  },
};

const LENALIDOMIDE = 'drug:lenalidomide';
const BORTEZOMIB = 'drug:bortezomib';
const CD38 = ['drug:daratumumab', 'drug:isatuximab'];
/** Drugs of later lines: their presence means the VRd backbone is not a first-line induction. */
const LATER_LINE = [
  'drug:carfilzomib',
  'drug:pomalidomide',
  'drug:belantamab-mafodotin',
  'drug:selinexor',
  'drug:teclistamab',
  'drug:elranatamab',
  'drug:talquetamab',
  'drug:linvoseltamab',
  'drug:venetoclax',
  'drug:melphalan-flufenamide',
];
const HMAS = ['proc:hmas', 'proc:hsct'];

export const CRITERIA = {
  dose: 'dose-as-seed',
  schedule: 'interval-as-seed',
  cycles: 'bortezomib-cycles-1-8',
  newCourse: 'new-course-cycle-1',
} as const;

/** Label keys (card `labels`) for the course values. */
const COURSE_START = 'course-start';
const CYCLE = 'cycle';
const LAST_DOSE = 'last-dose';

const onOrDrafted = (s: PatientSnapshot, concepts: readonly string[]): boolean =>
  currentMedications(s, concepts).length > 0 || draftsWith(s, concepts, false).length > 0;

/** First-line induction (proposal): lenalidomide with bortezomib or a CD38 antibody, no HMAS done, no later-line drug. */
export function inFirstLineInduction(snapshot: PatientSnapshot): boolean {
  if (!onOrDrafted(snapshot, [LENALIDOMIDE])) return false;
  if (!onOrDrafted(snapshot, [BORTEZOMIB, ...CD38])) return false;
  if (onOrDrafted(snapshot, LATER_LINE)) return false;
  return !snapshot.procedures.some((p) => p.source === 'Procedure' && p.status === 'completed' && p.concepts.some((c) => HMAS.includes(c)));
}

export function regimenName(snapshot: PatientSnapshot): string {
  if (onOrDrafted(snapshot, ['drug:daratumumab'])) return onOrDrafted(snapshot, [BORTEZOMIB]) ? 'Dara-VRd' : 'DRd';
  if (onOrDrafted(snapshot, ['drug:isatuximab'])) return 'Isa-VRd';
  return 'VRd';
}

function componentOf(draft: DraftOrder): Component | undefined {
  const med = draft.medication;
  if (!med) return undefined;
  return (Object.keys(COMPONENTS) as Component[]).find((k) => hasConcept(med, [COMPONENTS[k].concept]));
}

const DAY_MS = 86_400_000;

/**
 * The seed's spacing around `day`: from the seed day before the next seed day (on or after `day`) to
 * that next day, looking into the neighbouring cycles at the edges.
 */
export function seedInterval(days: readonly number[], day: number, previousCycleDays: readonly number[], nextCycleDays: readonly number[]): number | undefined {
  const upcoming = days.filter((d) => d >= day);
  const next = upcoming.length > 0 ? Math.min(...upcoming) : nextCycleDays.length > 0 ? CYCLE_DAYS + Math.min(...nextCycleDays) : undefined;
  if (next === undefined) return undefined;
  const earlier = days.filter((d) => d < next);
  const prev = earlier.length > 0 ? Math.max(...earlier) : previousCycleDays.length > 0 ? Math.max(...previousCycleDays) - CYCLE_DAYS : undefined;
  return prev === undefined ? undefined : next - prev;
}

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder, component: Component): Finding | undefined {
  const spec = COMPONENTS[component];
  const regimen = regimenName(snapshot);
  const base = { ruleId: RULE_ID, subject: draft.ref };
  const at = isValidDate(draft.medication?.date) ? (draft.medication?.date) : ctx.now;
  const start = courseStart(snapshot, [spec.concept, LENALIDOMIDE, BORTEZOMIB, ...CD38], at);
  const startAt = start ? ((start.occurredAt ?? start.date) as Date) : undefined;
  const { cycle, day } = startAt ? cycleDay(startAt, at, CYCLE_DAYS) : { cycle: 1, day: 1 };
  const courseValues: UsedValue[] = start ? [usedMedication(start, COURSE_START), { concept: CYCLE, value: `C${cycle}D${day}` }] : [];
  const params: Record<string, string | number> = { drug: draft.display, regimen, cycle, day };

  if (ctx.hook === 'order-select') {
    // The regimen as the seed gives it; the dose is checked at order-sign.
    return { ...base, outcome: 'fired', variant: `regimen-${component}`, params, values: courseValues, missing: [], indicator: 'info' };
  }

  const body = bodySize(snapshot, ctx.now);
  const dose = checkDose(draft, spec.seed, body);
  if (dose.status === 'missing') {
    // MD-warn, one card for the dose question of this order: never a guessed dose.
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: dose.missing.includes('lab:bsa') ? 'bsa-missing' : 'weight-missing',
      params,
      values: courseValues,
      missing: dose.missing,
      indicator: 'warning',
    };
  }
  if (dose.status === 'no-dose') {
    return { ...base, outcome: 'not-evaluable', variant: 'dose-unknown', params, values: courseValues, missing: ['draft-dose'], indicator: 'warning' };
  }

  const met: string[] = [];
  const notMet: string[] = [];
  (dose.status === 'ok' ? met : notMet).push(CRITERIA.dose);
  const values = [...dose.values, ...courseValues];
  if (!start) met.push(CRITERIA.newCourse);

  // Schedule: bortezomib stops after cycle 8; otherwise a dose must not come before the seed's next day.
  let scheduleProblem: 'cycles' | 'interval' | undefined;
  const days = spec.days(cycle);
  if (component === 'bortezomib' && days.length === 0) {
    scheduleProblem = 'cycles';
    notMet.push(CRITERIA.cycles);
  } else {
    const last = administrationsOf(snapshot, [spec.concept])
      .map((a) => ({ a, when: a.occurredAt ?? a.date }))
      .filter((x): x is { a: typeof x.a; when: Date } => isValidDate(x.when) && x.when.getTime() <= at.getTime())
      .sort((x, y) => y.when.getTime() - x.when.getTime())[0];
    const interval = seedInterval(days, day, cycle > 1 ? spec.days(cycle - 1) : [], spec.days(cycle + 1));
    if (last && interval !== undefined) {
      values.push(usedMedication(last.a, LAST_DOSE));
      const since = Math.round((at.getTime() - last.when.getTime()) / DAY_MS);
      if (since < interval - SCHEDULE_LEEWAY_DAYS) {
        scheduleProblem = 'interval';
        notMet.push(CRITERIA.schedule);
        Object.assign(params, { since, interval });
      } else met.push(CRITERIA.schedule);
    }
  }

  if (dose.status === 'ok' && !scheduleProblem) return undefined;
  const suggestions: SuggestionRequest[] = dose.status === 'deviation' ? [{ template: `update-${component}`, targetRef: draft.ref }] : [];
  const doseParams: Record<string, string | number> =
    dose.status === 'deviation'
      ? {
          seed: spec.seed.value,
          ordered: dose.ordered.value,
          orderedUnit: unitText(dose.ordered.unit),
          inSeedUnit: dose.inSeedUnit,
          seedUnit: unitText(spec.seed.unit),
          diff: Math.abs(dose.differencePct),
        }
      : {};
  const variant =
    dose.status === 'deviation' ? (dose.differencePct > 0 ? 'dose-high' : 'dose-low') : scheduleProblem === 'cycles' ? 'bortezomib-after-cycle-8' : 'too-soon';
  return {
    ...base,
    outcome: 'fired',
    variant,
    params: { ...params, ...doseParams },
    values,
    missing: [],
    criteriaMet: met,
    criteriaNotMet: notMet,
    indicator: dose.status === 'deviation' && dose.critical ? 'critical' : 'warning',
    suggestions,
  };
}

function unitText(unit: string): string {
  return unit.replace('m2', 'm²');
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot) || !inFirstLineInduction(snapshot)) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const draft of medicationDrafts(snapshot, Object.values(COMPONENTS).map((c) => c.concept))) {
    if (seen.has(draft.ref)) continue;
    seen.add(draft.ref);
    const component = componentOf(draft);
    const f = component ? findingFor(snapshot, ctx, draft, component) : undefined;
    if (f) out.push(f);
  }
  return out;
}

export const inductionRegimenCheck: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'procedures'],
  evaluate,
};
