import type { DraftOrder, EvaluationContext, MedicationEntry, PatientSnapshot } from '../../types.js';
import { administrationsOf, hasConcept } from '../support/medications.js';
import { isValidDate } from '../support/time.js';

// The bispecific step-up protocols of seed [003] «Teklistamab», «Elranatamab», «Talkvetamab», shared
// by the A.7 bispecific rules (step-up schedule, CRS, infection at start, premedication, vaccines).
// Linvoseltamab is a bispecific (A.0.3) but the seed gives it no step-up schedule, so it has no
// protocol here and the step-up rules leave it out.

export interface Dose {
  value: number;
  /** `mg` or `mg/kg`, as the seed prints it. */
  unit: string;
}

export interface BispecificProtocol {
  /** Drug concept id. */
  drug: string;
  /** Step-up doses in order; step-up n is planned on day 1 + 2(n − 1) («Dag 1 … Dag 3 … Dag 5»). */
  stepUps: Dose[];
  /** Minimum hours from the last step-up to the first full dose. */
  minGapHours: number;
  fullDose: Dose;
  /** Dexamethasone premedication dose in mg. */
  dexamethasoneMg: number;
}

export const BISPECIFIC_PROTOCOLS: readonly BispecificProtocol[] = [
  {
    // «Teklistamab (subkutant) Opptrapping Dag 1 (1. step-up): 0,06 mg/kg Dag 3 (2. step-up): 0,3 mg/kg»
    // «Det må gå minst 48 timer fra 2. opptrappingdose og første fulldose.» «Dag 1, 8, 15, 22: 1,5 mg/kg»
    // «Deksametason 16 mg, cetirizin 10 mg og paracetamol 1000 mg gis alltid 1-3 timer før begge step-up-doser og første fulldose.»
    drug: 'drug:teclistamab',
    stepUps: [
      { value: 0.06, unit: 'mg/kg' },
      { value: 0.3, unit: 'mg/kg' },
    ],
    minGapHours: 48,
    fullDose: { value: 1.5, unit: 'mg/kg' },
    dexamethasoneMg: 16,
  },
  {
    // «Elranatamab (subkutant) Opptrapping Dag 1 (1. step-up): 12 mg Dag 3 (2. step-up): 32 mg»
    // «Det må gå minst 72 timer fra 2. opptrappingdose og første fulldose.» «Dag 1, 8, 15, 22: 76 mg»
    // «Deksametason 20 mg, cetirizin 10 mg og paracetamol 1000 mg gis alltid 1-3 timer før begge step-up-doser og første fulldose.»
    drug: 'drug:elranatamab',
    stepUps: [
      { value: 12, unit: 'mg' },
      { value: 32, unit: 'mg' },
    ],
    minGapHours: 72,
    fullDose: { value: 76, unit: 'mg' },
    dexamethasoneMg: 20,
  },
  {
    // «Talkvetamab (subkutant) Opptrapping Dag 1 (1. step-up): 0,01 mg/kg Dag 3 (2. step-up): 0,06 mg/kg Dag 5 (3. step-up): 0,4 mg/kg»
    // «Det må gå minst 48 timer fra 3. opptrappingdose og første fulldose.» «Dag 1, 15: 0,8 mg/kg»
    // «Deksametason 16 mg, cetirizin 10 mg og paracetamol 1000 mg gis alltid 1-3 timer før alle tre step-up-doser og første fulldose.»
    drug: 'drug:talquetamab',
    stepUps: [
      { value: 0.01, unit: 'mg/kg' },
      { value: 0.06, unit: 'mg/kg' },
      { value: 0.4, unit: 'mg/kg' },
    ],
    minGapHours: 48,
    fullDose: { value: 0.8, unit: 'mg/kg' },
    dexamethasoneMg: 16,
  },
];

export const STEP_UP_DRUGS: readonly string[] = BISPECIFIC_PROTOCOLS.map((p) => p.drug);
export const BISPECIFIC_CLASS = 'class:bispecific';

export function protocolFor(entry: MedicationEntry): BispecificProtocol | undefined {
  return BISPECIFIC_PROTOCOLS.find((p) => hasConcept(entry, [p.drug]));
}

export type PhaseKind = 'step-up' | 'first-full' | 'maintenance';

export interface BispecificPhase {
  protocol: BispecificProtocol;
  draft: DraftOrder;
  medication: MedicationEntry;
  /** When the drafted dose is to be given. */
  plannedAt: Date;
  /** Earlier administrations of the same drug, oldest first. */
  prior: MedicationEntry[];
  kind: PhaseKind;
  /** 1-based step-up number when `kind` is `step-up`. */
  stepUp?: number;
}

/** When an administration was given (end of the period when given as one). */
export function givenAt(entry: MedicationEntry): Date | undefined {
  const at = entry.occurredAt ?? entry.date;
  return isValidDate(at) ? at : undefined;
}

/**
 * The planned time of a draft dose. The snapshot carries no occurrence or `timing.event`, so the
 * draft's own date (authoredOn) stands for it, else the request time (contract item 7).
 */
export function plannedTime(draft: DraftOrder, now: Date): Date {
  const date = draft.medication?.date;
  return isValidDate(date) ? date : now;
}

/** Oldest first; an administration without a time sorts last (its time is the unknown one). */
function oldestFirst(a: MedicationEntry, b: MedicationEntry): number {
  const ta = givenAt(a)?.getTime();
  const tb = givenAt(b)?.getTime();
  if (ta === undefined || tb === undefined) return ta === tb ? 0 : ta === undefined ? 1 : -1;
  return ta - tb;
}

/**
 * Which dose of its protocol a draft is: the count of earlier administrations of the same drug
 * decides (none → step-up 1). Administrations planned after the draft do not count.
 */
export function bispecificPhase(snapshot: PatientSnapshot, draft: DraftOrder, now: Date): BispecificPhase | undefined {
  const medication = draft.medication;
  if (!medication) return undefined;
  const protocol = protocolFor(medication);
  if (!protocol) return undefined;
  const plannedAt = plannedTime(draft, now);
  const prior = administrationsOf(snapshot, [protocol.drug])
    .filter((a) => {
      const at = givenAt(a);
      return at === undefined || at.getTime() < plannedAt.getTime();
    })
    .sort(oldestFirst);
  const n = prior.length;
  const kind: PhaseKind = n < protocol.stepUps.length ? 'step-up' : n === protocol.stepUps.length ? 'first-full' : 'maintenance';
  return { protocol, draft, medication, plannedAt, prior, kind, ...(kind === 'step-up' ? { stepUp: n + 1 } : {}) };
}

/** Drafts the hook looks at: on order-select the selected ones, on order-sign all (the snapshot marks them inFocus). */
export function draftsInFocus(snapshot: PatientSnapshot): DraftOrder[] {
  const seen = new Set<string>();
  return snapshot.draftOrders.filter((d) => {
    if (!d.inFocus || seen.has(d.ref)) return false;
    seen.add(d.ref);
    return true;
  });
}

/** Phases of the step-up bispecific drafts in focus. */
export function bispecificPhases(snapshot: PatientSnapshot, ctx: EvaluationContext): BispecificPhase[] {
  return draftsInFocus(snapshot)
    .map((d) => bispecificPhase(snapshot, d, ctx.now))
    .filter((p): p is BispecificPhase => p !== undefined);
}

/** Clinical calendar days from `earlier` to `later` («Dag 1 … Dag 3»): one definition for every rule. */
export { calendarDaysBetween } from '../../day.js';

export function hoursBetween(earlier: Date, later: Date): number {
  return (later.getTime() - earlier.getTime()) / (60 * 60 * 1000);
}

/** Same dose: same unit and equal to within rounding of the printed decimals. */
export function sameDose(a: Dose, b: Dose): boolean {
  return a.unit === b.unit && Math.abs(a.value - b.value) < 1e-6;
}

/** The dose the protocol expects for a phase. */
export function expectedDose(phase: BispecificPhase): Dose {
  if (phase.kind === 'step-up' && phase.stepUp !== undefined) return phase.protocol.stepUps[phase.stepUp - 1] ?? phase.protocol.fullDose;
  return phase.protocol.fullDose;
}
