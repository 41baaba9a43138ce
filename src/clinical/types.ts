// The contract between the protocol layer, the clinical core and the card renderer.
// Rules read a PatientSnapshot (never FHIR JSON, HTTP or the database) and return Findings;
// the renderer turns Findings into CDS Hooks cards using the templates in `cards/`.

export type Hook = 'patient-view' | 'order-select' | 'order-sign';
export type Locale = 'nb' | 'en';
export type Indicator = 'info' | 'warning' | 'critical';

/**
 * A data domain is one kind of patient data a rule reads. Each maps to one prefetch key
 * (see src/services.ts), so discovery, prefetch/fallback and rule needs share one vocabulary.
 */
export type DataDomain =
  | 'patient'
  | 'conditions'
  | 'observations'
  | 'medicationRequests'
  | 'medicationAdministrations'
  | 'medicationStatements'
  | 'procedures'
  | 'serviceRequests'
  | 'immunizations';

/** A reference to the FHIR resource a value came from, for the card detail and the audit. */
export interface SourceRef {
  resourceType: string;
  id?: string;
}

/** One laboratory (or other quantitative) value, already converted to the concept's canonical unit. */
export interface LabValue {
  /** Concept id from the terminology (e.g. `lab:b2m`). */
  concept: string;
  /** Value in the concept's canonical unit (see terminology `canonicalUnit`). */
  value: number;
  /** Canonical UCUM unit the value is expressed in. */
  unit: string;
  /** As reported, for the detail text (value and UCUM code or display unit). */
  reported: { value: number; unit: string };
  /** Clinically relevant time (effectiveDateTime / effectivePeriod.start / issued). */
  effective: Date;
  /** Lab reference range converted to the canonical unit, when reported and convertible. */
  referenceRange?: { low?: number; high?: number };
  /** The lab flagged the value as above its reference range (interpretation H, HH or HU). */
  flaggedHigh?: boolean;
  source: SourceRef;
}

/** A coded, non-quantitative observation (FISH findings, pregnancy status, serology ...). */
export interface CodedObservation {
  concept: string;
  /** Concept ids matched by valueCodeableConcept / interpretation (e.g. `answer:present`). */
  valueConcepts: string[];
  effective: Date;
  source: SourceRef;
}

export type MedicationSource =
  | 'MedicationRequest'
  | 'MedicationAdministration'
  | 'MedicationStatement'
  /** A vaccination given (FHIR Immunization), kept with the administrations. */
  | 'Immunization'
  | 'draft';

/** A medication on record or in the current order session, with the concepts it matched. */
export interface MedicationEntry {
  /** `Type/id` of the underlying resource (for drafts: the draft order reference used in `selections`). */
  ref: string;
  source: MedicationSource;
  /** Matched drug and class concept ids, e.g. `drug:bortezomib`, `class:proteasome-inhibitor`. */
  concepts: string[];
  /** Display text for cards (from Medication.code.text / coding display / INN). */
  display: string;
  /** The drugs were recognised by their name in text/display, not by a code (the card says so). */
  matchedByName?: true;
  /** FHIR status as sent (`active`, `draft`, `completed`, `stopped`, ...). */
  status?: string;
  /** authoredOn / effective time / dateWritten. */
  date?: Date;
  /** For administrations and statements: when it was given / taken (end of period when given). */
  occurredAt?: Date;
  /** Dose per administration in canonical units when stated (mg, or as coded). */
  dose?: { value: number; unit: string };
  /** How often and for how long (first dosage instruction), when stated. */
  timing?: DosageTiming;
  /** Concepts of the stated reasons (reasonCode, R5 reason, reasonReference display). */
  reasons?: string[];
  /** Free text of the reasons and the dosage (lower case), for rules that must read the indication. */
  reasonText?: string;
}

/** Dosage timing as ordered (Timing.repeat and the dosage text), for rules that depend on the schedule. */
export interface DosageTiming {
  /** Administrations per period (`frequency`, or `frequencyMax` when only that is given). */
  frequency?: number;
  period?: number;
  /** UCUM-like Timing unit: s, min, h, d, wk, mo, a. */
  periodUnit?: string;
  /** Total duration of the course (`boundsDuration`), in days when convertible. */
  boundsDays?: number;
  /** Number of administrations of the course (`count`). */
  count?: number;
  /** Dosage text (`dosageInstruction.text`, patientInstruction), as a fallback for the schedule. */
  text?: string;
}

export interface ConditionEntry {
  ref: string;
  concepts: string[];
  /** clinicalStatus code (`active`, `recurrence`, `relapse`, `inactive`, `remission`, `resolved`); undefined = not stated. */
  clinicalStatus?: string;
  verificationStatus?: string;
  onset?: Date;
  recorded?: Date;
  display: string;
}

/** A procedure done or a service requested (stem-cell apheresis, HMAS, imaging, ...). */
export interface ProcedureEntry {
  ref: string;
  source: 'Procedure' | 'ServiceRequest' | 'draft';
  concepts: string[];
  status?: string;
  /** performed / occurrence / authoredOn. */
  date?: Date;
  display: string;
}

/** One draft order of the current ordering session (`context.draftOrders`). */
export interface DraftOrder {
  /** `Type/id`, exactly as `selections` refers to it. */
  ref: string;
  resourceType: string;
  /** True when listed in `context.selections` (order-select) or always on order-sign. */
  inFocus: boolean;
  medication?: MedicationEntry;
  procedure?: ProcedureEntry;
  display: string;
}

export type PregnancyStatus = 'pregnant' | 'not-pregnant' | 'unknown' | 'not-applicable';
export type BreastfeedingStatus = 'breastfeeding' | 'not-breastfeeding' | 'unknown' | 'not-applicable';

export interface PatientSnapshot {
  /** FHIR Patient.id. Never logged; the audit stores a pseudonym. */
  patientId: string;
  gender?: string;
  birthDate?: string;
  /** Whole years at `now` (A.0.7); undefined when the birth date is unknown. */
  ageYears?: number;
  /** Lab values per concept, newest first. */
  labs: Record<string, LabValue[]>;
  /** Coded observations per concept, newest first. */
  codedObservations: Record<string, CodedObservation[]>;
  /** Medications on record (requests, statements), any status; rules filter by status. */
  medications: MedicationEntry[];
  /** Administrations and vaccinations given (Immunization), newest first. */
  administrations: MedicationEntry[];
  conditions: ConditionEntry[];
  procedures: ProcedureEntry[];
  draftOrders: DraftOrder[];
  pregnancy: PregnancyStatus;
  breastfeeding: BreastfeedingStatus;
  /** Domains whose data could not be obtained (prefetch failed and fallback failed or timed out). */
  unavailable: DataDomain[];
}

/** A value a rule used, shown in the card detail with its date and unit. */
export interface UsedValue {
  /** Concept id (`lab:b2m`) or a free label key. */
  concept: string;
  value: number | string;
  unit?: string;
  date?: Date;
  source?: SourceRef;
}

/** A suggestion the renderer builds from a template in the rule's card file. */
export interface SuggestionRequest {
  /** Key of the suggestion template in the card file (e.g. `create-valaciclovir`). */
  template: string;
  /** Template parameters (e.g. `{ loinc: '1952-1' }` for an order-the-test suggestion). */
  params?: Record<string, string>;
  /** For replace-the-draft suggestions: the draft order to delete or update. */
  targetRef?: string;
}

export type FindingOutcome = 'fired' | 'not-evaluable';

export interface Finding {
  ruleId: string;
  outcome: FindingOutcome;
  /** `patient`, or the `Type/id` of the draft order the finding is about. */
  subject: string;
  /** Variant key within the card file (e.g. ISS stage `I`, setting `pi-cd38`); `default` when the rule has one text. */
  variant: string;
  /** Placeholders for the texts. Numbers are formatted by the renderer in the card locale. */
  params: Record<string, string | number>;
  /** Values used, for the detail. */
  values: UsedValue[];
  /** Missing data items (terminology concept ids or data domains), for `.not-evaluable` cards. */
  missing: string[];
  /** Criteria met and not met, as keys of the card file's `criteria` texts. */
  criteriaMet?: string[];
  criteriaNotMet?: string[];
  suggestions?: SuggestionRequest[];
  /** Overrides the template indicator (e.g. info on order-select for an order-sign warning). */
  indicator?: Indicator;
  /**
   * Displays of the orders or records this finding is about whose drug was recognised by name, not
   * by code (set by the engine from MedicationEntry.matchedByName; the renderer says so in the detail).
   */
  matchedByName?: string[];
}

/** A clock makes every rule deterministic; tests inject a fixed one. */
export interface EvaluationContext {
  now: Date;
  hook: Hook;
}

export interface Rule {
  id: string;
  /** Hooks on which the rule runs. */
  hooks: Hook[];
  /** Domains the rule reads; drives the services' prefetch templates and the 412 decision. */
  needs: DataDomain[];
  /**
   * When true the rule itself handles `snapshot.unavailable` (e.g. MD-warn: "medication list unavailable").
   * Otherwise the engine skips the rule when one of its `needs` is unavailable and reports it
   * in the `service.data-unavailable` card.
   */
  handlesUnavailable?: boolean;
  evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[];
}
