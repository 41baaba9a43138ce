// What the terminology holds and what the rest of the code may ask of it (loaded by concepts.ts,
// indexed by matcher.ts).
export type ConceptKind = 'lab' | 'observation' | 'drug' | 'class' | 'condition' | 'procedure' | 'answer' | 'fish';

export interface ConceptCode {
  /** Alias key of `systems` (e.g. `atc`), or a full system URI that belongs to no alias group. */
  system: string;
  code: string;
  /** The code also matches its sub-codes (ICD-10 `E85` matches `E85.81`). */
  prefix?: boolean;
}

export interface ConceptDef {
  id: string;
  kind: ConceptKind;
  display: { nb: string; en: string };
  codes: ConceptCode[];
  /** INN and synonyms for the text fallback (drugs only). */
  text?: string[];
  /** Class concept ids a drug belongs to. */
  classes?: string[];
  /** Canonical UCUM unit values of this concept are converted to. */
  canonicalUnit?: string;
  /** g/mol, for molar <-> mass conversion (only where rules.md B.1 gives one). */
  molecularWeight?: number;
  note?: string;
}

export interface TerminologyData {
  /** Alias key -> system URIs; the first URI is the one used when we write codes. */
  systems: Record<string, string[]>;
  concepts: Record<string, ConceptDef>;
}

export interface Terminology {
  concept(id: string): ConceptDef | undefined;
  /** Display text in the locale; the concept id itself for an unknown concept. */
  display(id: string, locale: 'nb' | 'en'): string;
  /**
   * Concept ids matched by a FHIR CodeableConcept (any version), including the classes of matched
   * drugs. Every coding is checked. The text fallback (case-insensitive whole-word INN/synonym in
   * `text` or a coding's `display`) applies to drug concepts only, and to a drug only when no coding
   * is in a system that drug has codes in (an ATC-coded order is judged by its ATC code alone).
   * The list is shared between calls (memoised per concept) and frozen: copy it to change it.
   */
  matchCodeableConcept(cc: unknown): readonly string[];
  /** Concept ids (with drug classes) matched by one coding. */
  matchCoding(system: string | undefined, code: string | undefined): string[];
  /** Codes of a concept with full system URIs (first URI of the alias group). */
  codesFor(conceptId: string): { system: string; code: string }[];
  conceptsOfKind(kind: ConceptKind): string[];
  /**
   * Drug concept ids (with their classes) of an RxNorm product code (terminology/rxnorm-products.json);
   * undefined when the coding is not RxNorm or the code is not in the table.
   */
  productConcepts(system: string | undefined, code: string | undefined): readonly string[] | undefined;
}

/** What matcher.ts builds; concepts.ts adds the product table. */
export type ConceptMatcher = Omit<Terminology, 'productConcepts'>;
