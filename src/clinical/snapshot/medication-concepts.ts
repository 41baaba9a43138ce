// Which drugs a medication CodeableConcept names. Codes first: an ingredient code, or an RxNorm
// product code (SCD/SBD ...) through the product table. When no coding identifies a drug, whatever
// its system (a product code newer than the table, a local code), the ingredient names in `text`
// and the codings' `display` decide, and the match says so: a safety rule is never silent because
// a code is new, and the card tells the clinician the drug was recognised by its name.
import type { Terminology } from '../terminology/types.js';
import { isRecord } from './fhir.js';

export interface MedicationMatch {
  /** Drug and class concept ids. */
  concepts: string[];
  /** True when the drugs were recognised by name only (no coding identified one). */
  byName: boolean;
}

const NO_MATCH: MedicationMatch = { concepts: [], byName: false };

export function matchMedicationConcept(cc: unknown, terminology: Terminology): MedicationMatch {
  if (!isRecord(cc)) return NO_MATCH;
  const isDrug = (id: string): boolean => terminology.concept(id)?.kind === 'drug';
  const found = new Set(terminology.matchCodeableConcept(cc));
  const texts: string[] = typeof cc.text === 'string' ? [cc.text] : [];
  let coded = false;
  for (const coding of Array.isArray(cc.coding) ? cc.coding : []) {
    if (!isRecord(coding)) continue;
    if (typeof coding.display === 'string') texts.push(coding.display);
    const system = typeof coding.system === 'string' ? coding.system : undefined;
    const code = typeof coding.code === 'string' ? coding.code : undefined;
    const product = terminology.productConcepts(system, code);
    if (product) {
      for (const id of product) found.add(id);
      coded = true;
    } else if (terminology.matchCoding(system, code).some(isDrug)) {
      coded = true;
    }
  }
  if (coded) return { concepts: [...found], byName: false };
  // The matcher's own text fallback skips a drug coded in the coding's system; here names count
  // whatever the system, because none of the codes was one we know.
  for (const text of texts) for (const id of terminology.matchCodeableConcept({ text })) found.add(id);
  const concepts = [...found];
  return { concepts, byName: concepts.some(isDrug) };
}
