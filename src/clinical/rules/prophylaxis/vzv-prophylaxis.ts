import type {
  DataDomain,
  DraftOrder,
  EvaluationContext,
  Finding,
  Indicator,
  MedicationEntry,
  PatientSnapshot,
  Rule,
  SuggestionRequest,
  UsedValue,
} from '../../types.js';
import {
  BISPECIFIC,
  CAR_T,
  CAR_T_PROCEDURE,
  HMAS_PROCEDURES,
  addMonths,
  bispecificStart,
  carTReinfusion,
  cd4Since,
  everBispecific,
  hmasDone,
  onBispecific,
  type TreatmentEvent,
} from './context.js';
import { usedLab } from '../support/labs.js';
import { administrationsOf, currentMedications, hasConcept } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { addDays, isoDate } from '../support/time.js';

// Catalogue A.9 `vzv-prophylaxis`: herpes zoster prophylaxis with valaciclovir.
// Seed [003] «Øvrig infeksjonsprofylakse», «Varicella (herpes zoster)».

export const RULE_ID = 'vzv-prophylaxis';

const PROTEASOME_INHIBITOR = 'class:proteasome-inhibitor';
const CD38_ANTIBODY = 'class:cd38-antibody';
/** Valaciclovir (J05AB11) or aciclovir (J05AB01) counts as prophylaxis (catalogue A.9 Data). */
const ANTIVIRAL_CONCEPTS = ['class:vzv-antiviral', 'drug:valaciclovir', 'drug:aciclovir'];
const MELPHALAN = 'drug:melphalan';
const POMALIDOMIDE = 'drug:pomalidomide';
const CYCLOPHOSPHAMIDE = 'drug:cyclophosphamide';

/** «HMAS: Til 3 måneder etter reinfusjon.» */
export const HMAS_MONTHS = 3;
/** «Hvis konsolidering med proteasomhemmer til minst 1-2 måneder etter avsluttet konsolidering»: the minimum, 1 month. */
export const PI_CONSOLIDATION_MONTHS = 1;
/** «CAR-T: … i minst ett år» / «Bispesifikke antistoff: … i minst ett år»: ≥ 365 days (C-27). */
export const MIN_DAYS_AFTER_CART_OR_BISPECIFIC = 365;
/** «Seponering krever CD4 > 0,2 x 109/L» (strictly greater, C-25). */
export const CD4_STOP_ABOVE = 0.2;

type Variant = 'car-t' | 'bispecific' | 'hmas' | 'pi-cd38' | 'pcd';

/** Variant key in cards/vzv-prophylaxis.json, with its criterion and suggestion; in priority order. */
const SETTINGS: Record<Variant, { criterion: string; suggestion: SuggestionRequest }> = {
  // «CAR-T: 500 mg x 2 fra reinfusjon og i minst ett år.»
  'car-t': { criterion: 'car-t', suggestion: { template: 'create-valaciclovir-500' } },
  // «Bispesifikke antistoff: 250-500 mg x 2 fra oppstart»; the regimen boxes give 250 mg x 2.
  bispecific: { criterion: 'bispecific', suggestion: { template: 'create-valaciclovir' } },
  hmas: { criterion: 'hmas', suggestion: { template: 'create-valaciclovir' } },
  // «Valaciklovir 250 mg x 2 po til alle pasienter som får proteasomhemmer og CD38 antistoff.»
  // «og» read as "or" (C-25). Dose and "x 2" = twice daily (C-39) live in the suggestion template.
  'pi-cd38': { criterion: 'pi-or-cd38-therapy', suggestion: { template: 'create-valaciclovir' } },
  // C-25: the PCd box lists valaciclovir although PCd has no PI or CD38 antibody -> info only.
  pcd: { criterion: 'pcd', suggestion: { template: 'create-valaciclovir' } },
};
const PRIORITY: Variant[] = ['car-t', 'bispecific', 'hmas', 'pi-cd38', 'pcd'];

/** Criterion key: no valaciclovir/aciclovir active or in the order session. */
const CRITERION_NO_ANTIVIRAL = 'no-antiviral';

/** Record types the rule reads (drafts come from the order session). */
const RECORD_SOURCES = new Set(['MedicationRequest', 'MedicationStatement']);
/** A paused PI or CD38 course (on-hold) still needs cover. */
const TRIGGER_STATUSES = new Set(['active', 'on-hold']);
/** Only an antiviral actually being given protects; one on hold does not. */
const PROTECTING_STATUSES = new Set(['active']);
/** A planned or ordered HMAS makes a melphalan draft the high-dose conditioning. */
const PLANNED_STATUSES = new Set(['active', 'draft', 'on-hold']);

const MEDICATION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements'];

function isRecordWithStatus(entry: MedicationEntry, statuses: Set<string>): boolean {
  return RECORD_SOURCES.has(entry.source) && entry.status !== undefined && statuses.has(entry.status);
}

/** Prophylaxis on record, or ordered in this session (any draft, selected or not). */
function hasProphylaxis(snapshot: PatientSnapshot): boolean {
  const onRecord = snapshot.medications.some((m) => hasConcept(m, ANTIVIRAL_CONCEPTS) && isRecordWithStatus(m, PROTECTING_STATUSES));
  const drafted = snapshot.draftOrders.some((d) => d.medication !== undefined && hasConcept(d.medication, ANTIVIRAL_CONCEPTS));
  return onRecord || drafted;
}

interface Trigger {
  subject: string;
  variant: Variant;
  drugs: string[];
  values: UsedValue[];
  /** patient-view after HMAS: the end of the required period. */
  until?: Date;
}

function medicationValue(m: MedicationEntry, concept: string): UsedValue {
  return { concept, value: m.display, ...(m.date ? { date: m.date } : {}), source: sourceOf(m.ref) };
}

function hmasPlanned(snapshot: PatientSnapshot): boolean {
  const planned = (concepts: string[], status?: string): boolean => concepts.some((c) => HMAS_PROCEDURES.includes(c)) && status !== undefined && PLANNED_STATUSES.has(status);
  return snapshot.procedures.some((p) => p.source !== 'Procedure' && planned(p.concepts, p.status)) || snapshot.draftOrders.some((d) => d.procedure !== undefined && planned(d.procedure.concepts, 'draft'));
}

function pcdContext(snapshot: PatientSnapshot): boolean {
  const drafted = snapshot.draftOrders.some((d) => d.medication !== undefined && hasConcept(d.medication, [CYCLOPHOSPHAMIDE]));
  return drafted || currentMedications(snapshot, [CYCLOPHOSPHAMIDE]).length > 0;
}

/** The setting a draft order creates, if any. */
function draftVariant(snapshot: PatientSnapshot, d: DraftOrder): { variant: Variant; concept: string } | undefined {
  const med = d.medication;
  if (d.procedure?.concepts.includes(CAR_T_PROCEDURE)) return { variant: 'car-t', concept: CAR_T_PROCEDURE };
  if (d.procedure?.concepts.some((c) => HMAS_PROCEDURES.includes(c))) return { variant: 'hmas', concept: 'proc:hmas' };
  if (!med) return undefined;
  if (hasConcept(med, [CAR_T])) return { variant: 'car-t', concept: CAR_T };
  if (hasConcept(med, [BISPECIFIC])) return { variant: 'bispecific', concept: BISPECIFIC };
  if (hasConcept(med, [MELPHALAN]) && hmasPlanned(snapshot)) return { variant: 'hmas', concept: MELPHALAN };
  if (hasConcept(med, [PROTEASOME_INHIBITOR])) return { variant: 'pi-cd38', concept: PROTEASOME_INHIBITOR };
  if (hasConcept(med, [CD38_ANTIBODY])) return { variant: 'pi-cd38', concept: CD38_ANTIBODY };
  if (hasConcept(med, [POMALIDOMIDE]) && pcdContext(snapshot)) return { variant: 'pcd', concept: POMALIDOMIDE };
  return undefined;
}

/** Order hooks: each selected draft that creates a need, one trigger per draft. */
function orderTriggers(snapshot: PatientSnapshot): Trigger[] {
  const bySubject = new Map<string, Trigger>();
  for (const d of snapshot.draftOrders) {
    if (!d.inFocus || bySubject.has(d.ref)) continue;
    const found = draftVariant(snapshot, d);
    if (found) bySubject.set(d.ref, { subject: d.ref, variant: found.variant, drugs: [d.display], values: [{ concept: found.concept, value: d.display, source: sourceOf(d.ref) }] });
  }
  return [...bySubject.values()];
}

/**
 * After CAR-T or a bispecific, the need lasts ≥ 365 days and ends only with CD4 > 0.2 × 10⁹/L
 * measured since the treatment; `values` shows what was used.
 */
function stillRequired(snapshot: PatientSnapshot, event: TreatmentEvent, now: Date): { required: boolean; values: UsedValue[] } {
  if (now.getTime() < addDays(event.date, MIN_DAYS_AFTER_CART_OR_BISPECIFIC).getTime()) return { required: true, values: [event.value] };
  const cd4 = cd4Since(snapshot, event.date, now);
  const values = cd4 ? [event.value, usedLab(cd4)] : [event.value];
  return { required: !(cd4 && cd4.value > CD4_STOP_ABOVE), values };
}

/** patient-view: the patient's current treatment context, the highest-priority setting first. */
function patientTrigger(snapshot: PatientSnapshot, now: Date): Trigger | undefined {
  const found: Partial<Record<Variant, { drugs: string[]; values: UsedValue[]; until?: Date }>> = {};

  const cart = carTReinfusion(snapshot);
  if (cart) {
    const r = stillRequired(snapshot, cart, now);
    if (r.required) found['car-t'] = { drugs: [String(cart.value.value)], values: r.values };
  }

  const current = snapshot.medications.filter((m) => isRecordWithStatus(m, TRIGGER_STATUSES));
  const currentBispecific = current.filter((m) => hasConcept(m, [BISPECIFIC]));
  if (currentBispecific.length > 0) {
    found.bispecific = { drugs: currentBispecific.map((m) => m.display), values: currentBispecific.map((m) => medicationValue(m, BISPECIFIC)) };
  } else if (everBispecific(snapshot) && !onBispecific(snapshot)) {
    const start = bispecificStart(snapshot);
    if (start) {
      const r = stillRequired(snapshot, start, now);
      if (r.required) found.bispecific = { drugs: [String(start.value.value)], values: r.values };
    }
  }

  const hmas = hmasDone(snapshot);
  if (hmas && hmas.date.getTime() <= now.getTime()) {
    let until = addMonths(hmas.date, HMAS_MONTHS);
    const values = [hmas.value];
    // PI consolidation after HMAS extends the need to ≥ 1 month after its last dose.
    const lastPi = administrationsOf(snapshot, [PROTEASOME_INHIBITOR])
      .map((a) => ({ a, at: a.occurredAt ?? a.date }))
      .filter((x): x is { a: MedicationEntry; at: Date } => x.at !== undefined && x.at.getTime() > hmas.date.getTime())
      .sort((x, y) => y.at.getTime() - x.at.getTime())[0];
    if (lastPi) {
      const piUntil = addMonths(lastPi.at, PI_CONSOLIDATION_MONTHS);
      values.push({ concept: PROTEASOME_INHIBITOR, value: lastPi.a.display, date: lastPi.at, source: sourceOf(lastPi.a.ref) });
      if (piUntil.getTime() > until.getTime()) until = piUntil;
    }
    if (now.getTime() <= until.getTime()) found.hmas = { drugs: [String(hmas.value.value)], values, until };
  }

  const piCd38 = current.filter((m) => hasConcept(m, [PROTEASOME_INHIBITOR, CD38_ANTIBODY]));
  if (piCd38.length > 0) {
    found['pi-cd38'] = {
      drugs: piCd38.map((m) => m.display),
      values: piCd38.map((m) => medicationValue(m, m.concepts.find((c) => c === PROTEASOME_INHIBITOR || c === CD38_ANTIBODY) ?? PROTEASOME_INHIBITOR)),
    };
  }
  const pom = current.filter((m) => hasConcept(m, [POMALIDOMIDE]));
  if (pom.length > 0 && currentMedications(snapshot, [CYCLOPHOSPHAMIDE]).length > 0) {
    found.pcd = { drugs: pom.map((m) => m.display), values: pom.map((m) => medicationValue(m, POMALIDOMIDE)) };
  }

  const variant = PRIORITY.find((v) => found[v] !== undefined);
  const chosen = variant ? found[variant] : undefined;
  if (!variant || !chosen) return undefined;
  return {
    subject: 'patient',
    variant,
    drugs: [...new Set(chosen.drugs)],
    values: chosen.values,
    ...(chosen.until ? { until: chosen.until } : {}),
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const found = ctx.hook === 'patient-view' ? [patientTrigger(snapshot, ctx.now)].filter((t): t is Trigger => t !== undefined) : orderTriggers(snapshot);
  if (found.length === 0 || hasProphylaxis(snapshot)) return [];

  const unavailable = MEDICATION_DOMAINS.filter((d) => snapshot.unavailable.includes(d));
  const needsSerology = (snapshot.codedObservations['obs:vzv-igg'] ?? []).length === 0;

  return found.map((t): Finding => {
    const setting = SETTINGS[t.variant];
    // A.0.1: order-select gives early, informational cards; order-sign and patient-view warn. PCd is info (C-25).
    const indicator: Indicator = ctx.hook === 'order-select' || t.variant === 'pcd' ? 'info' : 'warning';
    const until = t.until;
    const params: Record<string, string> = { drug: t.drugs.join(', '), ...(until ? { until: isoDate(until) } : {}) };
    const base = { ruleId: RULE_ID, subject: t.subject, params, values: t.values, indicator };

    if (unavailable.length > 0) {
      // MD-warn: without the medication list an existing valaciclovir cannot be seen.
      return { ...base, outcome: 'not-evaluable', variant: 'default', missing: unavailable.map((d) => `domain:${d}`), criteriaMet: [setting.criterion] };
    }
    // «Vurdere varicella serologi» after CAR-T and with bispecifics.
    const serology: SuggestionRequest[] =
      needsSerology && (t.variant === 'car-t' || t.variant === 'bispecific') ? [{ template: 'order-vzv-serology', params: { concept: 'obs:vzv-igg' } }] : [];
    return {
      ...base,
      outcome: 'fired',
      variant: t.variant === 'hmas' && !until ? 'hmas-order' : t.variant,
      missing: [],
      criteriaMet: [setting.criterion, CRITERION_NO_ANTIVIRAL],
      suggestions: [setting.suggestion, ...serology],
    };
  });
}

export const vzvProphylaxis: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: ['medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures', 'observations'],
  handlesUnavailable: true,
  evaluate,
};
