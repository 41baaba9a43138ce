// Observations -> canonical lab values and coded observations (FISH findings, pregnancy and
// breastfeeding status, serology). Quantities are converted with units.ts; a value without a
// convertible unit is dropped, never compared raw.
import type { CodedObservation, LabValue, SourceRef } from '../types.js';
import type { Terminology } from '../terminology/types.js';
import { toCanonical } from '../units.js';
import { finiteNumber, firstDate, isRecord, list, periodStart, readQuantity, records, str, type Json, type ReadQuantity } from './fhir.js';

const EXCLUDED_STATUS = new Set(['entered-in-error', 'cancelled']);

const GENETIC_VARIANT = 'obs:genetic-variant';
const VARIANT_ISCN = 'obs:variant-iscn';
const GENE_STUDIED = 'obs:gene-studied';
const VARIANT_HGVS = 'obs:variant-hgvs';
/** HGNC:11998 is TP53 (catalogue B.3). */
const TP53_HGNC = /^(hgnc:)?11998$/i;

/**
 * B.3: a TP53 mutation is a 69548-6 variant with gene studied (48018-6) HGNC:11998 and an HGVS
 * component. True when both are there; the answer (Present/Absent) is read as for FISH.
 */
function isTp53Variant(observation: Json, terminology: Terminology): boolean {
  let tp53 = false;
  let hgvs = false;
  for (const component of records(observation.component)) {
    const concepts = terminology.matchCodeableConcept(component.code);
    if (concepts.includes(GENE_STUDIED)) {
      const cc = component.valueCodeableConcept;
      const codes = isRecord(cc) ? records(cc.coding).map((c) => str(c.code) ?? '') : [];
      if (codes.some((c) => TP53_HGNC.test(c.trim()))) tp53 = true;
    }
    if (concepts.includes(VARIANT_HGVS) && (isRecord(component.valueCodeableConcept) || str(component.valueString))) hgvs = true;
  }
  return tp53 && hgvs;
}

export interface ObservationReadout {
  labs: LabValue[];
  coded: CodedObservation[];
  /** Concepts of `Observation.code`, for other readers of the same resource (absent when not read). */
  codeConcepts?: readonly string[];
}

/**
 * FISH findings named by an ISCN string (B.3 examples), by simple patterns: the lab's own coding of
 * the finding (contract item 5) is preferred; this covers reports that carry only ISCN.
 */
export function fishConceptsFromIscn(iscn: string): string[] {
  const s = iscn.replace(/\s+/g, '').toLowerCase();
  const found: string[] = [];
  if (s.includes('del(17)(p13') || /tp53x1(?!\d)/.test(s)) found.push('fish:del17p');
  if (s.includes('t(4;14)')) found.push('fish:t4-14');
  if (s.includes('t(14;16)')) found.push('fish:t14-16');
  if (s.includes('t(14;20)')) found.push('fish:t14-20');
  if (s.includes('t(11;14)')) found.push('fish:t11-14');
  const cks1b = /cks1bx(\d+)/.exec(s);
  if (cks1b) {
    const copies = Number(cks1b[1]);
    if (copies === 3) found.push('fish:gain1q');
    else if (copies >= 4) found.push('fish:amp1q');
  }
  if (s.includes('del(1)(p32')) {
    // Both CDKN2C copies lost is the biallelic deletion; otherwise report the monoallelic one.
    found.push(/cdkn2cx0(?!\d)/.test(s) ? 'fish:del1p32-bi' : 'fish:del1p32-mono');
  }
  return found;
}

/** Concepts of value and interpretation: the answer a coded observation gives. */
function answerConcepts(element: Json, terminology: Terminology): string[] {
  const out = new Set<string>();
  for (const id of terminology.matchCodeableConcept(element.valueCodeableConcept)) out.add(id);
  for (const cc of list(element.interpretation)) for (const id of terminology.matchCodeableConcept(cc)) out.add(id);
  // Some profiles (e.g. breastfeeding status) use valueBoolean: yes/no read as present/absent.
  if (element.valueBoolean === true) out.add('answer:present');
  if (element.valueBoolean === false) out.add('answer:absent');
  return [...out];
}

function hasAnswer(element: Json): boolean {
  return isRecord(element.valueCodeableConcept) || list(element.interpretation).length > 0 || typeof element.valueBoolean === 'boolean';
}

function quantityOf(element: Json, canonicalUnit: string): ReadQuantity | undefined {
  const q = readQuantity(element.valueQuantity);
  if (q) return q;
  // A score (ECOG) is a bare integer; it has no unit to get wrong.
  const integer = finiteNumber(element.valueInteger);
  if (canonicalUnit === '{score}' && integer !== undefined) return { value: integer, unit: '{score}' };
  return undefined;
}

/** A reference-range bound in the concept's canonical unit; a bound without a unit is in the value's. */
function boundOf(bound: unknown, conceptId: string, valueUnit: string | undefined, terminology: Terminology): number | undefined {
  const q = readQuantity(bound);
  return q ? toCanonical(conceptId, q.value, q.unit ?? valueUnit, terminology) : undefined;
}

// Built field by field rather than with conditional spreads: this runs for every lab value of a
// record (hundreds per call), and the spreads' temporary objects showed in the profiles.
function referenceRangeOf(
  element: Json,
  conceptId: string,
  valueUnit: string | undefined,
  terminology: Terminology,
): LabValue['referenceRange'] | undefined {
  const ranges = element.referenceRange;
  if (ranges === undefined) return undefined;
  for (const range of records(ranges)) {
    const low = boundOf(range.low, conceptId, valueUnit, terminology);
    const high = boundOf(range.high, conceptId, valueUnit, terminology);
    if (low === undefined && high === undefined) continue;
    const out: { low?: number; high?: number } = {};
    if (low !== undefined) out.low = low;
    if (high !== undefined) out.high = high;
    return out;
  }
  return undefined;
}

function labValue(
  element: Json,
  conceptId: string,
  terminology: Terminology,
  effective: Date,
  source: SourceRef,
): LabValue | undefined {
  const canonicalUnit = terminology.concept(conceptId)?.canonicalUnit;
  if (!canonicalUnit) return undefined;
  const q = quantityOf(element, canonicalUnit);
  if (!q) return undefined;
  const value = toCanonical(conceptId, q.value, q.unit, terminology);
  if (value === undefined) return undefined;
  const lab: LabValue = {
    concept: conceptId,
    value,
    unit: canonicalUnit,
    reported: { value: q.value, unit: q.unit ?? '' },
    effective,
    source,
  };
  const referenceRange = referenceRangeOf(element, conceptId, q.unit, terminology);
  if (referenceRange) lab.referenceRange = referenceRange;
  if (element.interpretation !== undefined && flaggedHigh(element, terminology)) lab.flaggedHigh = true;
  return lab;
}

const ABOVE_REFERENCE = 'answer:above-reference';

/** The lab's own high flag, for values reported without a reference range. */
function flaggedHigh(element: Json, terminology: Terminology): boolean {
  return list(element.interpretation).some((cc) => terminology.matchCodeableConcept(cc).includes(ABOVE_REFERENCE));
}

/** ISCN strings of the 81291-7 components: a coding's code, the concept's text, or a plain string. */
function iscnStrings(observation: Json, terminology: Terminology): string[] {
  const out: string[] = [];
  for (const component of records(observation.component)) {
    if (!terminology.matchCodeableConcept(component.code).includes(VARIANT_ISCN)) continue;
    const cc = component.valueCodeableConcept;
    if (isRecord(cc)) {
      for (const coding of records(cc.coding)) {
        const code = str(coding.code);
        if (code) out.push(code);
      }
      const text = str(cc.text);
      if (text) out.push(text);
    }
    const plain = str(component.valueString);
    if (plain) out.push(plain);
  }
  return out;
}

/**
 * Lab values and coded observations of one Observation (including its components). Returns empty
 * lists for anything unreadable: cancelled or erroneous, undated, or without matched concepts.
 */
export function readObservation(observation: Json, terminology: Terminology, sourceId: string | undefined): ObservationReadout {
  const out: ObservationReadout = { labs: [], coded: [] };
  const status = str(observation.status);
  if (status && EXCLUDED_STATUS.has(status)) return out;
  const effective = firstDate(
    observation.effectiveDateTime,
    periodStart(observation.effectivePeriod),
    observation.effectiveInstant,
    observation.issued,
  );
  if (!effective) return out;
  const when: Date = effective;
  const source: SourceRef = sourceId ? { resourceType: 'Observation', id: sourceId } : { resourceType: 'Observation' };
  // Most Observations are plain lab values: the coded-answer bookkeeping is made only when needed.
  let coded: Map<string, Set<string>> | undefined;
  const addCoded = (concept: string, answers: string[]): void => {
    coded ??= new Map();
    const set = coded.get(concept) ?? new Set<string>();
    for (const a of answers) set.add(a);
    coded.set(concept, set);
  };
  const kindOf = (id: string): string | undefined => terminology.concept(id)?.kind;
  // FISH answers are Present/Absent (LA9633-4/LA9634-2); a POS/NEG interpretation says the same.
  const onlyAnswers = (ids: string[]): string[] => {
    const answers = new Set(ids.filter((id) => kindOf(id) === 'answer'));
    if (answers.has('answer:positive')) answers.add('answer:present');
    if (answers.has('answer:negative')) answers.add('answer:absent');
    return [...answers];
  };

  const codeConcepts = terminology.matchCodeableConcept(observation.code);
  out.codeConcepts = codeConcepts;
  readElement(observation, codeConcepts);
  for (const component of records(observation.component)) readElement(component, terminology.matchCodeableConcept(component.code));

  function readElement(element: Json, concepts: readonly string[]): void {
    let answers: string[] | undefined;
    const answersOf = (): string[] => (answers ??= hasAnswer(element) ? answerConcepts(element, terminology) : []);
    // A lab reported as a coded result ("negative MRD") is a coded observation too; an H/L flag alone is not.
    const codedResult = isRecord(element.valueCodeableConcept) || typeof element.valueBoolean === 'boolean';
    for (const concept of concepts) {
      const kind = kindOf(concept);
      const lab = labValue(element, concept, terminology, when, source);
      if (lab) out.labs.push(lab);
      if (kind === 'fish') addCoded(concept, onlyAnswers(answersOf()));
      else if (kind === 'observation' && hasAnswer(element)) addCoded(concept, answersOf());
      else if (kind === 'lab' && codedResult) addCoded(concept, answersOf());
    }
  }

  if (codeConcepts.includes(GENETIC_VARIANT)) {
    const topAnswers = hasAnswer(observation) ? answerConcepts(observation, terminology) : [];
    // 69548-6 "Genetic variant assessment": the finding is the value (local FISH code) or the ISCN
    // component; present/absent comes from the interpretation or the value.
    const interpretation = new Set<string>();
    for (const cc of list(observation.interpretation)) for (const id of terminology.matchCodeableConcept(cc)) interpretation.add(id);
    for (const fish of topAnswers.filter((id) => kindOf(id) === 'fish')) addCoded(fish, onlyAnswers([...interpretation]));
    for (const iscn of iscnStrings(observation, terminology)) {
      for (const fish of fishConceptsFromIscn(iscn)) addCoded(fish, onlyAnswers(topAnswers));
    }
    if (isTp53Variant(observation, terminology)) {
      // A reported HGVS change without a Present/Absent answer is the variant found (proposal).
      const answers = onlyAnswers(topAnswers);
      addCoded('fish:tp53-mut', answers.length > 0 ? answers : ['answer:present']);
    }
  }

  if (coded) for (const [concept, answers] of coded) out.coded.push({ concept, valueConcepts: [...answers], effective, source });
  return out;
}

/** Group by concept, newest first (stable for equal dates). */
export function groupNewestFirst<T extends { concept: string; effective: Date }>(items: T[]): Record<string, T[]> {
  const grouped: Record<string, T[]> = {};
  for (const item of items) (grouped[item.concept] ??= []).push(item);
  for (const key of Object.keys(grouped)) grouped[key]?.sort((a, b) => b.effective.getTime() - a.effective.getTime());
  return grouped;
}
