import type { DraftOrder, EvaluationContext, Finding, Indicator, LabValue, MedicationEntry, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { BISPECIFIC, carTReinfusion, usedDraft } from './context.js';
import { inMyelomaScope, usedCondition } from '../support/conditions.js';
import { latestLab, usedLab } from '../support/labs.js';
import { administrationsOf, currentMedications, hasConcept, isOnOrOrdered, usedMedication } from '../support/medications.js';
import { daysBetween, isValidDate } from '../support/time.js';

// Catalogue A.9 `ivig-substitution`. Seed [003] «Øvrig infeksjonsprofylakse», «Bakterier /
// Immunglobulin substitusjon», and the teclistamab/elranatamab regimen boxes.

export const RULE_ID = 'ivig-substitution';

const IMMUNOGLOBULIN = ['drug:immunoglobulin-normal-human'];
const BCMA = 'class:bcma-directed';
const IGG = 'lab:igg';
const MPROTEIN = 'lab:mprotein';
const G_L = 'g/L';
/** M-protein isotype (concepts.workup.json): the heavy chain decides whether the M-protein is IgG (C-26). */
export const ISOTYPE = 'obs:mprotein-isotype';
const ISOTYPE_IGG = 'answer:isotype-igg';
const NON_IGG_ISOTYPES = ['answer:isotype-iga', 'answer:isotype-igm'];
const LIGHT_CHAINS = ['answer:isotype-kappa', 'answer:isotype-lambda'];
/** Infections with encapsulated bacteria (pneumococci, Haemophilus …): a site adds the codes. */
export const ENCAPSULATED_INFECTION = 'cond:encapsulated-bacterial-infection';
/** The snapshot carries no infection severity. */
export const INFECTION_SEVERITY = 'obs:infection-severity';

/** «Vurder å starte når IgG < 4,0 g/L» (BCMA bispecifics; strictly below). */
export const BCMA_IGG_BELOW = 4.0;
/** «Etter 1 år fortsett til serum IgG > 4 g/L» (CAR-T; only strictly above ends it). */
export const CART_IGG_ABOVE = 4;
/** «CAR-T: Fra dag +30» */
export const CART_START_DAY = 30;
/** «og i minst 1 år»: 365 days (as C-27 reads «minst ett år» for valaciclovir). */
export const CART_MIN_DAYS = 365;
/** Catalogue A.9 missing data: IgG older than 30 days counts as missing (proposal). */
export const IGG_WINDOW_DAYS = 30;
/** «Sykluslengde: 28 dager» in the teclistamab and elranatamab boxes: cycle 2 starts on day 29. */
export const CYCLE_DAYS = 28;
/** «residiverende infeksjoner»: two or more documented episodes (proposal). */
export const RECURRENT_EPISODES = 2;

/**
 * Polyclonal IgG (C-26): total IgG minus the serum M-protein when the M-protein is IgG, else the total.
 * While the isotype is unknown the polyclonal IgG is only known to lie in [low, high]:
 * high = total IgG, low = total − M-protein (= total when no M-protein is measurable).
 */
interface PolyclonalIgg {
  igg?: LabValue;
  low?: number;
  high?: number;
  values: UsedValue[];
  /** What would settle the value when the bounds straddle a threshold. */
  missing: string[];
}

type Isotype = 'igg' | 'other' | 'unknown';

/** The newest isotype report: IgG heavy chain, another heavy chain or light chain only, or unknown. */
function isotypeOf(snapshot: PatientSnapshot): { isotype: Isotype; value?: UsedValue } {
  const latest = (snapshot.codedObservations[ISOTYPE] ?? [])[0];
  if (!latest) return { isotype: 'unknown' };
  const answers = latest.valueConcepts;
  const value = (label: string): UsedValue => ({ concept: ISOTYPE, value: label, date: latest.effective, source: latest.source });
  if (answers.includes(ISOTYPE_IGG)) return { isotype: 'igg', value: value('IgG') };
  const other = answers.find((a) => NON_IGG_ISOTYPES.includes(a));
  if (other) return { isotype: 'other', value: value(other === 'answer:isotype-iga' ? 'IgA' : 'IgM') };
  // A light chain with no heavy chain is a light-chain-only M-protein.
  const light = answers.find((a) => LIGHT_CHAINS.includes(a));
  if (light) return { isotype: 'other', value: value(light === 'answer:isotype-kappa' ? 'kappa' : 'lambda') };
  return { isotype: 'unknown' };
}

function polyclonalIgg(snapshot: PatientSnapshot, now: Date): PolyclonalIgg {
  const igg = latestLab(snapshot, IGG, G_L, now, IGG_WINDOW_DAYS);
  if (!igg) return { values: [], missing: [IGG] };
  const { isotype, value } = isotypeOf(snapshot);
  const isoValues = value ? [value] : [];
  if (isotype === 'other') return { igg, low: igg.value, high: igg.value, values: [usedLab(igg), ...isoValues], missing: [] };
  const m = latestLab(snapshot, MPROTEIN, G_L, now, IGG_WINDOW_DAYS);
  const values = [usedLab(igg), ...(m ? [usedLab(m)] : []), ...isoValues];
  if (!m) return { igg, high: igg.value, values, missing: [MPROTEIN] };
  const subtracted = igg.value - m.value;
  if (isotype === 'igg') return { igg, low: subtracted, high: subtracted, values, missing: [] };
  const low = m.value > 0 ? subtracted : igg.value;
  return { igg, low, high: igg.value, values, missing: m.value > 0 ? [ISOTYPE] : [] };
}

type Answer = { kind: 'yes' } | { kind: 'no' } | { kind: 'unknown'; missing: string[] };

/** Polyclonal IgG < `limit`. */
function below(p: PolyclonalIgg, limit: number): Answer {
  if (p.high === undefined) return { kind: 'unknown', missing: p.missing };
  if (p.high < limit) return { kind: 'yes' };
  if (p.low !== undefined && p.low >= limit) return { kind: 'no' };
  return { kind: 'unknown', missing: p.missing };
}

/** Polyclonal IgG ≤ `limit` (i.e. not yet above it). */
function notAbove(p: PolyclonalIgg, limit: number): Answer {
  if (p.high === undefined) return { kind: 'unknown', missing: p.missing };
  if (p.high <= limit) return { kind: 'yes' };
  if (p.low !== undefined && p.low > limit) return { kind: 'no' };
  return { kind: 'unknown', missing: p.missing };
}

function isBcmaBispecific(m: MedicationEntry): boolean {
  return hasConcept(m, [BCMA]) && hasConcept(m, [BISPECIFIC]);
}

interface Outcome {
  variant: string;
  answer: Answer;
  indicator: Indicator;
  criterion: string;
  params: Record<string, string | number>;
  values: UsedValue[];
  /** Not-evaluable text when the default (by what is missing) does not fit. */
  unknownVariant?: string;
}

function finding(subject: string, o: Outcome): Finding | undefined {
  const base = { ruleId: RULE_ID, subject, indicator: o.indicator, params: o.params, values: o.values };
  if (o.answer.kind === 'no') return undefined;
  if (o.answer.kind === 'unknown') {
    const missing = o.answer.missing;
    const suggestions: SuggestionRequest[] = missing.includes(IGG) ? [{ template: 'order-igg', params: { concept: IGG } }] : [];
    const reason = missing.includes(IGG) ? 'igg-missing' : missing.includes(MPROTEIN) ? 'mprotein-missing' : missing.includes(INFECTION_SEVERITY) ? 'severity-unknown' : 'isotype-unknown';
    // The general rule has no drug to name, so its texts are separate variants.
    const variant = `${o.variant === 'general' ? 'general-' : ''}${o.unknownVariant ?? reason}`;
    return { ...base, outcome: 'not-evaluable', variant, missing, criteriaMet: [o.criterion, 'no-immunoglobulin'], suggestions };
  }
  return { ...base, outcome: 'fired', variant: o.variant, missing: [], criteriaMet: [o.criterion, 'no-immunoglobulin'], suggestions: [{ template: 'create-scig' }] };
}

/** The polyclonal IgG when it is known exactly (IgG M-protein subtracted), else the total IgG. */
function iggParams(p: PolyclonalIgg): Record<string, number> {
  if (!p.igg) return {};
  const exact = p.low !== undefined && p.low === p.high ? p.low : p.igg.value;
  return { igg: Math.round(exact * 100) / 100 };
}

/** BCMA bispecific: «Vurder å starte når IgG < 4,0 g/L»; warning (A.9 indicator). */
function bcmaOutcome(snapshot: PatientSnapshot, now: Date, drug: string, values: UsedValue[]): Outcome {
  const p = polyclonalIgg(snapshot, now);
  return { variant: 'bcma-bispecific', answer: below(p, BCMA_IGG_BELOW), indicator: 'warning', criterion: 'bcma-bispecific', params: { drug, ...iggParams(p) }, values: [...values, ...p.values] };
}

/** CAR-T: from day +30 for a year regardless of IgG, then until IgG > 4 g/L. */
function carTOutcome(snapshot: PatientSnapshot, now: Date): Outcome | undefined {
  const cart = carTReinfusion(snapshot);
  if (!cart) return undefined;
  const day = Math.floor(daysBetween(cart.date, now));
  if (day < CART_START_DAY) return undefined;
  const params = { drug: String(cart.value.value), day };
  if (day < CART_MIN_DAYS) return { variant: 'car-t', answer: { kind: 'yes' }, indicator: 'info', criterion: 'car-t-first-year', params, values: [cart.value] };
  const p = polyclonalIgg(snapshot, now);
  return { variant: 'car-t-after-year', answer: notAbove(p, CART_IGG_ABOVE), indicator: 'info', criterion: 'car-t-after-year', params: { ...params, ...iggParams(p) }, values: [cart.value, ...p.values] };
}

/**
 * General rule: hypogammaglobulinaemia (IgG below the lab's lower reference limit, proposal) with
 * recurrent infections with encapsulated bacteria, or one severe such infection.
 */
function generalOutcome(snapshot: PatientSnapshot, now: Date): Outcome | undefined {
  if (!inMyelomaScope(snapshot)) return undefined;
  const episodes = snapshot.conditions.filter(
    (c) => c.concepts.includes(ENCAPSULATED_INFECTION) && !(c.verificationStatus === 'refuted' || c.verificationStatus === 'entered-in-error'),
  );
  if (episodes.length === 0) return undefined;
  const infectionValues = episodes.map((c) => usedCondition(c));
  const p = polyclonalIgg(snapshot, now);
  const lln = p.igg?.referenceRange?.low;
  const params = { episodes: episodes.length, ...iggParams(p) };
  const base = { variant: 'general', indicator: 'info' as const, criterion: 'hypogammaglobulinaemia-infections', params, values: [...p.values, ...infectionValues] };
  // Without a lower reference limit the IgG cannot be called low (the seed gives no number).
  if (p.igg && lln === undefined) return { ...base, answer: { kind: 'unknown', missing: [IGG] }, unknownVariant: 'igg-lln-missing' };
  const hypogamma: Answer = lln === undefined ? { kind: 'unknown', missing: [IGG] } : below(p, lln);
  if (hypogamma.kind !== 'yes') return { ...base, answer: hypogamma };
  if (episodes.length >= RECURRENT_EPISODES) return { ...base, answer: { kind: 'yes' } };
  // One episode qualifies only when severe, and the snapshot carries no severity.
  return { ...base, answer: { kind: 'unknown', missing: [INFECTION_SEVERITY] } };
}

function patientFinding(snapshot: PatientSnapshot, now: Date): Finding | undefined {
  const bcma = currentMedications(snapshot, [BCMA]).filter(isBcmaBispecific);
  const outcomes: (Outcome | undefined)[] = [];
  if (bcma.length > 0) {
    outcomes.push(bcmaOutcome(snapshot, now, [...new Set(bcma.map((m) => m.display))].join(', '), bcma.map((m) => usedMedication(m, BCMA))));
  }
  outcomes.push(carTOutcome(snapshot, now), generalOutcome(snapshot, now));
  for (const o of outcomes) {
    if (!o) continue;
    const f = finding('patient', o);
    if (f) return f;
  }
  return undefined;
}

/** When the draft dose is to be given: its authoredOn, else the request time. */
function plannedAt(d: DraftOrder, now: Date): Date {
  const date = d.medication?.date;
  return isValidDate(date) ? date : now;
}

/** A BCMA bispecific draft in cycle 2 or later: the first dose of the drug was ≥ 28 days before. */
function inCycleTwoOrLater(snapshot: PatientSnapshot, d: DraftOrder, now: Date): boolean {
  const med = d.medication;
  if (!med) return false;
  const drug = med.concepts.find((c) => c.startsWith('drug:'));
  const given = administrationsOf(snapshot, drug ? [drug] : [BCMA])
    .map((a) => a.occurredAt ?? a.date)
    .filter(isValidDate);
  if (given.length === 0) return false;
  const first = Math.min(...given.map((g) => g.getTime()));
  return daysBetween(new Date(first), plannedAt(d, now)) >= CYCLE_DAYS;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (isOnOrOrdered(snapshot, IMMUNOGLOBULIN)) return [];
  if (ctx.hook === 'patient-view') {
    const f = patientFinding(snapshot, ctx.now);
    return f ? [f] : [];
  }
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const d of snapshot.draftOrders) {
    if (!d.inFocus || seen.has(d.ref) || !d.medication || !isBcmaBispecific(d.medication)) continue;
    seen.add(d.ref);
    if (!inCycleTwoOrLater(snapshot, d, ctx.now)) continue;
    const f = finding(d.ref, { ...bcmaOutcome(snapshot, ctx.now, d.display, [usedDraft(d, BCMA)]), variant: 'bcma-bispecific-cycle' });
    if (f) out.push(f);
  }
  return out;
}

export const ivigSubstitution: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-sign'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures'],
  evaluate,
};

