// Hand-built PatientSnapshots for rule, engine and renderer tests. Not a test file itself (jest
// only collects *.test.ts). Builders take plain values so a test reads like the clinical case.

import type {
  CodedObservation,
  ProcedureEntry,
  ConditionEntry,
  DataDomain,
  DraftOrder,
  EvaluationContext,
  Hook,
  LabValue,
  MedicationEntry,
  MedicationSource,
  PatientSnapshot,
} from '../../types.js';

export const NOW = new Date('2025-06-01T10:00:00Z');

import { DAY_MS } from '../../day.js';

/** `days` after (positive) or before (negative) `from`. */
export function daysFrom(from: Date | string, days: number): Date {
  return new Date(new Date(from).getTime() + days * DAY_MS);
}

export function context(hook: Hook, now: Date = NOW): EvaluationContext {
  return { now, hook };
}

export function snapshot(parts: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return {
    patientId: 'pt-1',
    labs: {},
    codedObservations: {},
    medications: [],
    administrations: [],
    conditions: [],
    procedures: [],
    draftOrders: [],
    pregnancy: 'not-applicable',
    breastfeeding: 'not-applicable',
    unavailable: [],
    ...parts,
  };
}

let labCounter = 0;

export function lab(concept: string, value: number, unit: string, effective: Date | string, id?: string): LabValue {
  labCounter += 1;
  return {
    concept,
    value,
    unit,
    reported: { value, unit },
    effective: new Date(effective),
    source: { resourceType: 'Observation', id: id ?? `obs-${labCounter}` },
  };
}

/** Groups lab values by concept, newest first (as the snapshot builder does). */
export function labsByConcept(...values: LabValue[]): Record<string, LabValue[]> {
  const out: Record<string, LabValue[]> = {};
  for (const v of values) (out[v.concept] ??= []).push(v);
  for (const list of Object.values(out)) list.sort((a, b) => b.effective.getTime() - a.effective.getTime());
  return out;
}

export function condition(
  concept: string,
  opts: { onset?: Date | string; recorded?: Date | string; clinicalStatus?: string; verificationStatus?: string; id?: string } = {},
): ConditionEntry {
  return {
    ref: `Condition/${opts.id ?? concept.replace(/[^a-z0-9]/gi, '-')}`,
    concepts: [concept],
    display: concept,
    ...(opts.onset !== undefined ? { onset: new Date(opts.onset) } : {}),
    ...(opts.recorded !== undefined ? { recorded: new Date(opts.recorded) } : {}),
    ...(opts.clinicalStatus !== undefined ? { clinicalStatus: opts.clinicalStatus } : {}),
    ...(opts.verificationStatus !== undefined ? { verificationStatus: opts.verificationStatus } : {}),
  };
}

/** Drug and class concepts as the terminology would match them. */
export const DRUGS = {
  bortezomib: { display: 'Bortezomib', concepts: ['drug:bortezomib', 'class:proteasome-inhibitor'] },
  carfilzomib: { display: 'Karfilzomib', concepts: ['drug:carfilzomib', 'class:proteasome-inhibitor'] },
  daratumumab: { display: 'Daratumumab', concepts: ['drug:daratumumab', 'class:cd38-antibody'] },
  lenalidomide: { display: 'Lenalidomid', concepts: ['drug:lenalidomide', 'class:imid'] },
  valaciclovir: { display: 'Valaciklovir', concepts: ['drug:valaciclovir', 'class:vzv-antiviral'] },
  aciclovir: { display: 'Aciklovir', concepts: ['drug:aciclovir', 'class:vzv-antiviral'] },
} as const;

export type DrugName = keyof typeof DRUGS;

/** Any drug not in DRUGS: its display and the concepts the terminology would match for it. */
export interface DrugSpec {
  display: string;
  concepts: readonly string[];
}

function specOf(drug: DrugName | DrugSpec): DrugSpec {
  return typeof drug === 'string' ? DRUGS[drug] : drug;
}

function keyOf(drug: DrugName | DrugSpec): string {
  return typeof drug === 'string' ? drug : (drug.concepts[0] ?? drug.display).replace(/[^a-z0-9]/gi, '-');
}

export function medication(
  drug: DrugName | DrugSpec,
  opts: {
    source?: MedicationSource;
    status?: string;
    id?: string;
    date?: Date | string;
    occurredAt?: Date | string;
    display?: string;
    dose?: { value: number; unit: string };
  } = {},
): MedicationEntry {
  const source = opts.source ?? 'MedicationRequest';
  const resourceType = source === 'draft' ? 'MedicationRequest' : source;
  const spec = specOf(drug);
  return {
    ref: `${resourceType}/${opts.id ?? keyOf(drug)}`,
    source,
    concepts: [...spec.concepts],
    display: opts.display ?? spec.display,
    ...(opts.status !== undefined ? { status: opts.status } : { status: source === 'draft' ? 'draft' : source === 'MedicationAdministration' ? 'completed' : 'active' }),
    ...(opts.date !== undefined ? { date: new Date(opts.date) } : {}),
    ...(opts.occurredAt !== undefined ? { occurredAt: new Date(opts.occurredAt) } : {}),
    ...(opts.dose !== undefined ? { dose: opts.dose } : {}),
  };
}

export function draftOrder(
  drug: DrugName | DrugSpec,
  opts: { id?: string; inFocus?: boolean; display?: string; dose?: { value: number; unit: string }; date?: Date | string } = {},
): DraftOrder {
  const med = medication(drug, {
    source: 'draft',
    id: opts.id ?? `draft-${keyOf(drug)}`,
    ...(opts.display !== undefined ? { display: opts.display } : {}),
    ...(opts.dose !== undefined ? { dose: opts.dose } : {}),
    ...(opts.date !== undefined ? { date: opts.date } : {}),
  });
  return {
    ref: med.ref,
    resourceType: 'MedicationRequest',
    inFocus: opts.inFocus ?? true,
    medication: med,
    display: med.display,
  };
}

export function unavailable(...domains: DataDomain[]): { unavailable: DataDomain[] } {
  return { unavailable: domains };
}

/** A Procedure done, a ServiceRequest on record, or (source `draft`) a draft ServiceRequest's procedure. */
export function procedure(
  concept: string,
  opts: { source?: ProcedureEntry['source']; status?: string; date?: Date | string; id?: string; display?: string } = {},
): ProcedureEntry {
  const source = opts.source ?? 'Procedure';
  const resourceType = source === 'draft' ? 'ServiceRequest' : source;
  return {
    ref: `${resourceType}/${opts.id ?? concept.replace(/[^a-z0-9]/gi, '-')}`,
    source,
    concepts: [concept],
    display: opts.display ?? concept,
    status: opts.status ?? (source === 'Procedure' ? 'completed' : source === 'draft' ? 'draft' : 'active'),
    ...(opts.date !== undefined ? { date: new Date(opts.date) } : {}),
  };
}

/** A draft ServiceRequest in the order session (e.g. stem-cell apheresis). */
export function draftProcedure(concept: string, opts: { id?: string; inFocus?: boolean; date?: Date | string; display?: string } = {}): DraftOrder {
  const proc = procedure(concept, {
    source: 'draft',
    id: opts.id ?? `draft-${concept.replace(/[^a-z0-9]/gi, '-')}`,
    ...(opts.date !== undefined ? { date: opts.date } : {}),
    ...(opts.display !== undefined ? { display: opts.display } : {}),
  });
  return { ref: proc.ref, resourceType: 'ServiceRequest', inFocus: opts.inFocus ?? true, procedure: proc, display: proc.display };
}

let codedCounter = 0;

/** A coded observation (FISH finding, pregnancy status, serology) with its answer concepts. */
export function coded(concept: string, valueConcepts: string[], effective: Date | string, id?: string): CodedObservation {
  codedCounter += 1;
  return { concept, valueConcepts, effective: new Date(effective), source: { resourceType: 'Observation', id: id ?? `coded-${codedCounter}` } };
}

/** Groups coded observations by concept, newest first (as the snapshot builder does). */
export function codedByConcept(...values: CodedObservation[]): Record<string, CodedObservation[]> {
  const out: Record<string, CodedObservation[]> = {};
  for (const v of values) (out[v.concept] ??= []).push(v);
  for (const list of Object.values(out)) list.sort((a, b) => b.effective.getTime() - a.effective.getTime());
  return out;
}
