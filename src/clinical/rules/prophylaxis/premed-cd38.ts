import type { DataDomain, DraftOrder, EvaluationContext, Finding, MedicationEntry, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { usedDraft } from './context.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { administrationsOf, currentMedications, draftsWith, hasConcept, usedMedication } from '../support/medications.js';
import { isValidDate } from '../support/time.js';

// Catalogue A.9 `premed-cd38`. Seed [003] Dara-VRd/DRd and Isa-VRd «Forbehandling».

export const RULE_ID = 'premed-cd38';

const DARATUMUMAB = 'drug:daratumumab';
const ISATUXIMAB = 'drug:isatuximab';
const DEXAMETHASONE = 'drug:dexamethasone';
const CETIRIZINE = 'drug:cetirizine';
const PARACETAMOL = 'drug:paracetamol';
const MONTELUKAST = 'drug:montelukast';
const COPD_ASTHMA = ['cond:copd', 'cond:asthma'];

/** «Før de første to dosene daratumumab» / «Ved de to første dosene»: doses 1 and 2. */
export const PREMEDICATED_DOSES = 2;
/** «cetirizin 10 mg» */
export const CETIRIZINE_MG = 10;
/** «paracetamol 1000 mg» */
export const PARACETAMOL_MG = 1000;

const MEDICATION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements'];
const ENDED = new Set(['completed', 'stopped']);

interface Premed {
  drug: string;
  mg?: number;
  template: string;
  criterion: string;
}

const DEX: Premed = { drug: DEXAMETHASONE, template: 'create-dexamethasone', criterion: 'dexamethasone' };
const CET: Premed = { drug: CETIRIZINE, mg: CETIRIZINE_MG, template: 'create-cetirizine', criterion: 'cetirizine' };
const PARA: Premed = { drug: PARACETAMOL, mg: PARACETAMOL_MG, template: 'create-paracetamol', criterion: 'paracetamol' };
/** «Ved KOLS/astma legger man til montelukast som premed på de første dosene»; 10 mg is a proposal. */
const MONT: Premed = { drug: MONTELUKAST, template: 'create-montelukast', criterion: 'montelukast' };

/** A dose in mg that differs from the seed dose does not count; an unstated dose does. */
function doseFits(m: MedicationEntry, mg: number | undefined): boolean {
  return mg === undefined || m.dose === undefined || m.dose.unit !== 'mg' || Math.abs(m.dose.value - mg) < 1e-6;
}

/** Drafted in this session (selected or not) or active on record. */
function covered(snapshot: PatientSnapshot, p: Premed): MedicationEntry | undefined {
  const drafted = draftsWith(snapshot, [p.drug], false).map((d) => d.medication).find((m): m is MedicationEntry => m !== undefined && doseFits(m, p.mg));
  return drafted ?? currentMedications(snapshot, [p.drug], new Set(['active'])).find((m) => doseFits(m, p.mg));
}

/** Which dose the draft is: earlier administrations of the same antibody, plus one. */
function doseNumber(snapshot: PatientSnapshot, d: DraftOrder, drug: string, now: Date): number | undefined {
  if (snapshot.unavailable.includes('medicationAdministrations')) return undefined;
  const planned = isValidDate(d.medication?.date) ? d.medication.date : now;
  const prior = administrationsOf(snapshot, [drug]).filter((a) => {
    const at = a.occurredAt ?? a.date;
    return !isValidDate(at) || at.getTime() < planned.getTime();
  });
  return prior.length + 1;
}

/**
 * Isatuximab after the first doses: dexamethasone stays as premedication unless it was stopped as
 * part of the treatment («Dersom man avslutter deksametason som ledd i behandlingen …»), read here as
 * a dexamethasone order or statement on record that is completed or stopped.
 */
function dexamethasoneEnded(snapshot: PatientSnapshot): boolean {
  return snapshot.medications.some((m) => hasConcept(m, [DEXAMETHASONE]) && m.status !== undefined && ENDED.has(m.status));
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const copdAsthma = currentConditions(snapshot, COPD_ASTHMA);
  const unavailable = MEDICATION_DOMAINS.filter((d) => snapshot.unavailable.includes(d));
  for (const d of snapshot.draftOrders) {
    const med = d.medication;
    if (!d.inFocus || seen.has(d.ref) || !med) continue;
    const drug = hasConcept(med, [DARATUMUMAB]) ? DARATUMUMAB : hasConcept(med, [ISATUXIMAB]) ? ISATUXIMAB : undefined;
    if (!drug) continue;
    seen.add(d.ref);
    // «prior dose count unknown → assume dose 1 (safe side) and say so».
    const counted = doseNumber(snapshot, d, drug, ctx.now);
    const dose = counted ?? 1;
    const firstDoses = dose <= PREMEDICATED_DOSES;
    let required: Premed[];
    if (firstDoses) required = copdAsthma.length > 0 ? [DEX, CET, PARA, MONT] : [DEX, CET, PARA];
    // Daratumumab from dose 3: the seed asks for premedication only «inntil minst en reaksjonsfri
    // injeksjon»; reactions are not in the snapshot (see the rule report), so dose 3+ is out of scope.
    else if (drug === ISATUXIMAB && !dexamethasoneEnded(snapshot)) required = [DEX];
    else continue;

    const values: UsedValue[] = [usedDraft(d, drug), ...copdAsthma.map((c) => usedCondition(c))];
    const met: string[] = [];
    const notMet: string[] = [];
    const suggestions: SuggestionRequest[] = [];
    for (const p of required) {
      const found = covered(snapshot, p);
      if (found) {
        met.push(p.criterion);
        values.push(usedMedication(found, p.drug));
      } else {
        notMet.push(p.criterion);
        suggestions.push({ template: p.template });
      }
    }
    if (notMet.length === 0) continue;
    const montelukast = required.includes(MONT);
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.display, dose }, values, indicator: ctx.hook === 'order-select' ? ('info' as const) : ('warning' as const) };
    const scope = [firstDoses ? 'first-doses' : 'isatuximab-later-dose', ...(montelukast ? ['copd-asthma'] : [])];
    if (unavailable.length > 0) {
      // MD-warn: a premedication already on record cannot be seen.
      out.push({ ...base, outcome: 'not-evaluable', variant: 'medications-unavailable', missing: unavailable.map((x) => `domain:${x}`), criteriaMet: scope, criteriaNotMet: notMet, suggestions });
      continue;
    }
    const variant = !firstDoses ? 'dexamethasone' : `${counted === undefined ? 'dose-unknown' : 'first-doses'}${montelukast ? '-montelukast' : ''}`;
    out.push({ ...base, outcome: 'fired', variant, missing: counted === undefined ? ['domain:medicationAdministrations'] : [], criteriaMet: [...scope, ...met], criteriaNotMet: notMet, suggestions });
  }
  return out;
}

export const premedCd38: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'medicationRequests', 'medicationStatements', 'medicationAdministrations'],
  handlesUnavailable: true,
  evaluate,
};
