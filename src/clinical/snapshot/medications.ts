// MedicationRequest (R4/STU3), MedicationOrder (DSTU2), MedicationStatement and MedicationAdministration
// -> MedicationEntry. The medication may be a CodeableConcept or a reference to a contained, bundled
// or prefetched Medication; an unresolved reference falls back to its display text.
import type { DosageTiming, MedicationEntry, MedicationSource } from '../types.js';
import type { Terminology } from '../terminology/types.js';
import { convertUnit } from '../units.js';
import { matchMedicationConcept, type MedicationMatch } from './medication-concepts.js';
import { conceptText, finiteNumber, firstDate, isRecord, list, periodEnd, periodStart, readQuantity, records, str, type Json } from './fhir.js';

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
function medicationResourceConcepts(medication: Json, terminology: Terminology): ResolvedMedication {
  const matches = [matchMedicationConcept(medication.code, terminology)];
  for (const ingredient of records(medication.ingredient)) {
    const item = ingredient.itemCodeableConcept ?? (isRecord(ingredient.item) && isRecord(ingredient.item.concept) ? ingredient.item.concept : undefined);
    matches.push(matchMedicationConcept(item, terminology));
  }
  return combine(matches);
}

/** Drugs found by code anywhere make the whole match a coded one. */
function combine(matches: MedicationMatch[]): ResolvedMedication {
  const concepts = [...new Set(matches.flatMap((m) => m.concepts))];
  const byCode = matches.some((m) => !m.byName && m.concepts.length > 0);
  return { concepts, ...(!byCode && matches.some((m) => m.byName) ? { matchedByName: true } : {}) };
}

interface ResolvedMedication {
  concepts: string[];
  display?: string;
  matchedByName?: true;
}

function resolveMedication(resource: Json, lookup: MedicationLookup): ResolvedMedication {
  const { terminology } = lookup;
  // R5 wraps both forms in a CodeableReference `medication`.
  const r5 = isRecord(resource.medication) ? resource.medication : undefined;
  const cc = resource.medicationCodeableConcept ?? r5?.concept;
  if (isRecord(cc)) {
    const text = conceptText(cc);
    return { ...combine([matchMedicationConcept(cc, terminology)]), ...(text ? { display: text } : {}) };
  }
  const reference = isRecord(resource.medicationReference) ? resource.medicationReference : isRecord(r5?.reference) ? r5.reference : undefined;
  if (!reference) return { concepts: [] };
  const refDisplay = str(reference.display);
  const target = str(reference.reference);
  const medication = target ? resolveMedicationReference(target, resource, lookup) : undefined;
  if (medication) {
    const display = conceptText(medication.code) ?? refDisplay;
    return { ...medicationResourceConcepts(medication, terminology), ...(display ? { display } : {}) };
  }
  // Unresolved: only the reference's display is left, read by name alone.
  return {
    ...(refDisplay ? combine([matchMedicationConcept({ text: refDisplay }, terminology)]) : { concepts: [] }),
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

/** Timing units in days, for a course's total duration. */
const DAYS_PER_UNIT: Record<string, number> = { s: 1 / 86_400, min: 1 / 1_440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };

function durationDays(duration: unknown): number | undefined {
  const q = readQuantity(duration);
  if (!q?.unit) return undefined;
  const perUnit = DAYS_PER_UNIT[q.unit] ?? DAYS_PER_UNIT[{ day: 'd', days: 'd', week: 'wk', weeks: 'wk', hour: 'h', hours: 'h' }[q.unit] ?? ''];
  return perUnit === undefined ? undefined : q.value * perUnit;
}

/** The schedule of the first dosage that states one (Timing.repeat), with the dosage text as fallback. */
function firstTiming(dosages: unknown): DosageTiming | undefined {
  for (const dosage of records(dosages)) {
    const out: DosageTiming = {};
    const timing = isRecord(dosage.timing) ? dosage.timing : undefined;
    const repeat = timing && isRecord(timing.repeat) ? timing.repeat : undefined;
    if (repeat) {
      const frequency = finiteNumber(repeat.frequency) ?? finiteNumber(repeat.frequencyMax);
      const period = finiteNumber(repeat.period);
      const periodUnit = str(repeat.periodUnit);
      const boundsDays = durationDays(repeat.boundsDuration);
      const count = finiteNumber(repeat.count) ?? finiteNumber(repeat.countMax);
      if (frequency !== undefined) out.frequency = frequency;
      if (period !== undefined) out.period = period;
      if (periodUnit) out.periodUnit = periodUnit;
      if (boundsDays !== undefined) out.boundsDays = boundsDays;
      if (count !== undefined) out.count = count;
    }
    const texts = [str(dosage.text), str(dosage.patientInstruction), timing ? conceptText(timing.code) : undefined].filter((t): t is string => t !== undefined);
    if (texts.length > 0) out.text = texts.join(' ');
    if (Object.keys(out).length > 0) return out;
  }
  return undefined;
}

/** Reasons as concepts and as text: R4 reasonCode, R5 reason (CodeableReference), DSTU2 reasonCodeableConcept, any reasonReference display. */
function readReasons(resource: Json, terminology: Terminology): { concepts: string[]; text: string } {
  const concepts = new Set<string>();
  const texts: string[] = [];
  const visitConcept = (cc: unknown): void => {
    for (const id of terminology.matchCodeableConcept(cc)) concepts.add(id);
    const text = conceptText(cc);
    if (text) texts.push(text);
  };
  for (const cc of [...list(resource.reasonCode), ...list(resource.reasonCodeableConcept)]) visitConcept(cc);
  for (const r of records(resource.reason)) {
    if (isRecord(r.concept)) visitConcept(r.concept);
    else if (isRecord(r.reference)) texts.push(str(r.reference.display) ?? '');
    else visitConcept(r);
  }
  for (const r of [...records(resource.reasonReference)]) texts.push(str(r.display) ?? '');
  return { concepts: [...concepts], text: texts.filter((t) => t !== '').join(' ').toLowerCase() };
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
  const { concepts, display, matchedByName } = resolveMedication(resource, lookup);
  const firstDrug = concepts.find((id) => lookup.terminology.concept(id)?.kind === 'drug');

  let date: Date | undefined;
  let occurredAt: Date | undefined;
  let dose: MedicationEntry['dose'] | undefined;
  let timing: DosageTiming | undefined;
  if (type === 'MedicationRequest' || type === 'MedicationOrder') {
    date = firstDate(resource.authoredOn, resource.dateWritten);
    dose = firstDose(resource.dosageInstruction);
    timing = firstTiming(resource.dosageInstruction);
  } else if (type === 'MedicationStatement') {
    date = firstDate(resource.effectiveDateTime, periodStart(resource.effectivePeriod), resource.dateAsserted);
    occurredAt = firstDate(resource.effectiveDateTime, periodEnd(resource.effectivePeriod), periodStart(resource.effectivePeriod));
    dose = firstDose(resource.dosage);
    timing = firstTiming(resource.dosage);
  } else {
    // R4/STU3 effective[x]; DSTU2 effectiveTime[x].
    const dateTime = resource.effectiveDateTime ?? resource.effectiveTimeDateTime;
    const period = resource.effectivePeriod ?? resource.effectiveTimePeriod;
    date = firstDate(dateTime, periodStart(period));
    occurredAt = firstDate(dateTime, periodEnd(period), periodStart(period));
    dose = administrationDose(resource.dosage);
  }
  const reasons = readReasons(resource, lookup.terminology);

  return {
    ref,
    source,
    concepts,
    display: display ?? (firstDrug ? lookup.terminology.display(firstDrug, 'nb') : String(type)),
    ...(matchedByName ? { matchedByName } : {}),
    ...(status ? { status } : {}),
    ...(date ? { date } : {}),
    ...(occurredAt ? { occurredAt } : {}),
    ...(dose ? { dose } : {}),
    ...(timing ? { timing } : {}),
    ...(reasons.concepts.length > 0 ? { reasons: reasons.concepts } : {}),
    ...(reasons.text ? { reasonText: reasons.text } : {}),
  };
}

const VACCINE_CLASS = 'class:vaccine';

/**
 * A FHIR Immunization (R4/R5 `occurrenceDateTime`, STU3/DSTU2 `date`) as a given vaccination. Every
 * Immunization is a vaccine, whatever its code; the code adds the vaccine type (live, ...).
 * Undefined when entered in error; `not-done` is kept with its status (the rules skip it).
 */
export function readImmunization(resource: Json, ref: string, terminology: Terminology): MedicationEntry | undefined {
  if (resource.resourceType !== 'Immunization') return undefined;
  const status = str(resource.status);
  if (status && EXCLUDED_STATUS.has(status)) return undefined;
  // STU3 `notGiven: true` is R4 status not-done.
  const effectiveStatus = resource.notGiven === true ? 'not-done' : status;
  const concepts = new Set(terminology.matchCodeableConcept(resource.vaccineCode));
  concepts.add(VACCINE_CLASS);
  const at = firstDate(resource.occurrenceDateTime, resource.date, resource.recorded);
  const display = conceptText(resource.vaccineCode) ?? terminology.display(VACCINE_CLASS, 'nb');
  return {
    ref,
    source: 'Immunization',
    concepts: [...concepts],
    display,
    ...(effectiveStatus ? { status: effectiveStatus } : {}),
    ...(at ? { date: at, occurredAt: at } : {}),
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
