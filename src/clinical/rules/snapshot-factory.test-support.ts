// Hand-built PatientSnapshots for rule, engine and renderer tests. Not a test file itself (jest
// only collects *.test.ts). Builders take plain values so a test reads like the clinical case.

import type {
  ConditionEntry,
  DataDomain,
  DraftOrder,
  EvaluationContext,
  Hook,
  LabValue,
  MedicationEntry,
  MedicationSource,
  PatientSnapshot,
} from '../types.js';

export const NOW = new Date('2025-06-01T10:00:00Z');

const DAY_MS = 24 * 60 * 60 * 1000;

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

export function medication(
  drug: DrugName,
  opts: { source?: MedicationSource; status?: string; id?: string; date?: Date | string; display?: string } = {},
): MedicationEntry {
  const source = opts.source ?? 'MedicationRequest';
  const resourceType = source === 'draft' ? 'MedicationRequest' : source;
  return {
    ref: `${resourceType}/${opts.id ?? drug}`,
    source,
    concepts: [...DRUGS[drug].concepts],
    display: opts.display ?? DRUGS[drug].display,
    ...(opts.status !== undefined ? { status: opts.status } : { status: source === 'draft' ? 'draft' : 'active' }),
    ...(opts.date !== undefined ? { date: new Date(opts.date) } : {}),
  };
}

export function draftOrder(drug: DrugName, opts: { id?: string; inFocus?: boolean; display?: string } = {}): DraftOrder {
  const med = medication(drug, {
    source: 'draft',
    id: opts.id ?? `draft-${drug}`,
    ...(opts.display !== undefined ? { display: opts.display } : {}),
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
