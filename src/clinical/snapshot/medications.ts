// MedicationRequest (R4/STU3), MedicationOrder (DSTU2), MedicationStatement and MedicationAdministration
// -> MedicationEntry. The medication may be a CodeableConcept or a reference to a contained, bundled
// or prefetched Medication; an unresolved reference falls back to its display text.
import type { MedicationEntry, MedicationSource } from '../types.js';
import type { Terminology } from '../terminology/types.js';
import { convertUnit } from '../units.js';
import { conceptText, firstDate, isRecord, periodEnd, periodStart, readQuantity, records, str, type Json } from './fhir.js';

export interface MedicationLookup {
  terminology: Terminology;
  /** Medication resources by id (input.medications and any Medication found among the resources). */
  medicationsById: Map<string, Json>;
}

export function medicationIndex(medications: unknown[]): Map<string, Json> {
  const byId = new Map<string, Json>();
  for (const m of medications) {
    if (isRecord(m) && m.resourceType === 'Medication') {
      const id = str(m.id);
      if (id && !byId.has(id)) byId.set(id, m);
    }
  }
  return byId;
}

/** The Medication a reference points to: `#id` in `contained`, else by id (relative, absolute, urn:uuid or bare). */
function resolveMedicationReference(reference: string, resource: Json, lookup: MedicationLookup): Json | undefined {
  const ref = reference.trim();
  if (ref.startsWith('#')) {
    const id = ref.slice(1);
    return records(resource.contained).find((c) => c.resourceType === 'Medication' && c.id === id);
  }
  const withoutHistory = ref.replace(/\/_history\/[^/]*$/, '');
  const parts = withoutHistory.split('/');
  let id: string | undefined;
  if (parts.length >= 2) id = parts[parts.length - 2] === 'Medication' ? parts[parts.length - 1] : undefined;
  else if (withoutHistory.startsWith('urn:uuid:')) id = withoutHistory.slice('urn:uuid:'.length);
  else id = withoutHistory;
  const byId = id ? lookup.medicationsById.get(id) : undefined;
  // A urn:uuid reference may also be the bundled Medication's own id.
  return byId ?? lookup.medicationsById.get(withoutHistory);
}

/** Concepts of a Medication: its code and its ingredients' codes (a combination product names both). */
function medicationResourceConcepts(medication: Json, terminology: Terminology): string[] {
  const out = new Set(terminology.matchCodeableConcept(medication.code));
  for (const ingredient of records(medication.ingredient)) {
    const item = ingredient.itemCodeableConcept ?? (isRecord(ingredient.item) && isRecord(ingredient.item.concept) ? ingredient.item.concept : undefined);
    for (const id of terminology.matchCodeableConcept(item)) out.add(id);
  }
  return [...out];
}

interface ResolvedMedication {
  concepts: string[];
  display?: string;
}

function resolveMedication(resource: Json, lookup: MedicationLookup): ResolvedMedication {
  const { terminology } = lookup;
  // R5 wraps both forms in a CodeableReference `medication`.
  const r5 = isRecord(resource.medication) ? resource.medication : undefined;
  const cc = resource.medicationCodeableConcept ?? r5?.concept;
  if (isRecord(cc)) {
    const text = conceptText(cc);
    return { concepts: [...terminology.matchCodeableConcept(cc)], ...(text ? { display: text } : {}) };
  }
  const reference = isRecord(resource.medicationReference) ? resource.medicationReference : isRecord(r5?.reference) ? r5.reference : undefined;
  if (!reference) return { concepts: [] };
  const refDisplay = str(reference.display);
  const target = str(reference.reference);
  const medication = target ? resolveMedicationReference(target, resource, lookup) : undefined;
  if (medication) {
    const display = conceptText(medication.code) ?? refDisplay;
    return { concepts: medicationResourceConcepts(medication, terminology), ...(display ? { display } : {}) };
  }
  // Unresolved: only the reference's display is left, read by the text fallback alone.
  return {
    concepts: refDisplay ? [...terminology.matchCodeableConcept({ text: refDisplay })] : [],
    ...(refDisplay ? { display: refDisplay } : {}),
  };
}

/** Dose per administration: mass in mg, anything else (mg/m2, [IU], mL, tablets) as coded. */
function normaliseDose(quantity: unknown): MedicationEntry['dose'] | undefined {
  const q = readQuantity(quantity);
  if (!q?.unit) return undefined;
  const mg = convertUnit(q.value, q.unit, 'mg');
  return mg !== undefined ? { value: mg, unit: 'mg' } : { value: q.value, unit: q.unit };
}

function firstDose(dosages: unknown): MedicationEntry['dose'] | undefined {
  for (const dosage of records(dosages)) {
    for (const doseAndRate of records(dosage.doseAndRate)) {
      const dose = normaliseDose(doseAndRate.doseQuantity);
      if (dose) return dose;
    }
    // STU3/DSTU2 orders: doseQuantity; DSTU2 statements: quantityQuantity.
    const dose = normaliseDose(dosage.doseQuantity) ?? normaliseDose(dosage.quantityQuantity);
    if (dose) return dose;
  }
  return undefined;
}

function administrationDose(dosage: unknown): MedicationEntry['dose'] | undefined {
  if (!isRecord(dosage)) return undefined;
  return normaliseDose(dosage.dose) ?? normaliseDose(dosage.quantity);
}

const EXCLUDED_STATUS = new Set(['entered-in-error']);

/** The entry's source for the resource type; undefined for types that are not medication records. */
export function medicationSourceOf(resourceType: unknown): Exclude<MedicationSource, 'draft'> | undefined {
  switch (resourceType) {
    case 'MedicationRequest':
    case 'MedicationOrder':
      return 'MedicationRequest';
    case 'MedicationStatement':
      return 'MedicationStatement';
    case 'MedicationAdministration':
      return 'MedicationAdministration';
    default:
      return undefined;
  }
}

/**
 * One medication resource as an entry, or undefined when it is not a medication resource or was
 * entered in error. `source` is 'draft' for draft orders.
 */
export function readMedication(resource: Json, ref: string, source: MedicationSource, lookup: MedicationLookup): MedicationEntry | undefined {
  const type = resource.resourceType;
  if (!medicationSourceOf(type)) return undefined;
  const status = str(resource.status);
  if (status && EXCLUDED_STATUS.has(status)) return undefined;
  const { concepts, display } = resolveMedication(resource, lookup);
  const firstDrug = concepts.find((id) => lookup.terminology.concept(id)?.kind === 'drug');

  let date: Date | undefined;
  let occurredAt: Date | undefined;
  let dose: MedicationEntry['dose'] | undefined;
  if (type === 'MedicationRequest' || type === 'MedicationOrder') {
    date = firstDate(resource.authoredOn, resource.dateWritten);
    dose = firstDose(resource.dosageInstruction);
  } else if (type === 'MedicationStatement') {
    date = firstDate(resource.effectiveDateTime, periodStart(resource.effectivePeriod), resource.dateAsserted);
    occurredAt = firstDate(resource.effectiveDateTime, periodEnd(resource.effectivePeriod), periodStart(resource.effectivePeriod));
    dose = firstDose(resource.dosage);
  } else {
    // R4/STU3 effective[x]; DSTU2 effectiveTime[x].
    const dateTime = resource.effectiveDateTime ?? resource.effectiveTimeDateTime;
    const period = resource.effectivePeriod ?? resource.effectiveTimePeriod;
    date = firstDate(dateTime, periodStart(period));
    occurredAt = firstDate(dateTime, periodEnd(period), periodStart(period));
    dose = administrationDose(resource.dosage);
  }

  return {
    ref,
    source,
    concepts,
    display: display ?? (firstDrug ? lookup.terminology.display(firstDrug, 'nb') : String(type)),
    ...(status ? { status } : {}),
    ...(date ? { date } : {}),
    ...(occurredAt ? { occurredAt } : {}),
    ...(dose ? { dose } : {}),
  };
}

/** Newest first by when given/taken, else by date; undated entries last, in input order. */
export function newestFirst(entries: MedicationEntry[]): MedicationEntry[] {
  const time = (e: MedicationEntry): number | undefined => (e.occurredAt ?? e.date)?.getTime();
  return [...entries].sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta === undefined || tb === undefined) return ta === tb ? 0 : ta === undefined ? 1 : -1;
    return tb - ta;
  });
}
