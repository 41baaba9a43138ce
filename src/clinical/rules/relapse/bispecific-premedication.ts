import type { EvaluationContext, Finding, MedicationEntry, PatientSnapshot, Rule, SuggestionRequest } from '../../types.js';
import { bispecificPhases, givenAt, hoursBetween, type BispecificPhase } from './context.js';
import { administrationsOf, currentMedications, draftsWith, usedMedication } from '../support/medications.js';

// Catalogue A.7 `bispecific-premedication`. Seed [003] «Teklistamab»: «Deksametason 16 mg, cetirizin
// 10 mg og paracetamol 1000 mg gis alltid 1-3 timer før begge step-up-doser og første fulldose.»
// «Elranatamab»: «Deksametason 20 mg …»; «Talkvetamab»: «… før alle tre step-up-doser og første fulldose.»

export const RULE_ID = 'bispecific-premedication';

/** «cetirizin 10 mg» */
export const CETIRIZINE_MG = 10;
/** «paracetamol 1000 mg» */
export const PARACETAMOL_MG = 1000;
/** «1-3 timer før»: an administration counts when given up to 3 h before the dose. */
export const PREMEDICATION_HOURS_BEFORE = 3;

interface Premed {
  drug: string;
  mg: number;
  template: string;
  criterion: string;
}

function premedsFor(p: BispecificPhase): Premed[] {
  return [
    { drug: 'drug:dexamethasone', mg: p.protocol.dexamethasoneMg, template: `create-dexamethasone-${p.protocol.dexamethasoneMg}`, criterion: 'dexamethasone' },
    { drug: 'drug:cetirizine', mg: CETIRIZINE_MG, template: 'create-cetirizine', criterion: 'cetirizine' },
    { drug: 'drug:paracetamol', mg: PARACETAMOL_MG, template: 'create-paracetamol', criterion: 'paracetamol' },
  ];
}

/** A dose in mg that differs from the seed dose does not count; an unstated dose does. */
function doseFits(m: MedicationEntry, mg: number): boolean {
  return m.dose === undefined || m.dose.unit !== 'mg' || Math.abs(m.dose.value - mg) < 1e-6;
}

/** Ordered in this session, active on record, or given within 3 h before the dose. */
function covered(snapshot: PatientSnapshot, p: BispecificPhase, premed: Premed): MedicationEntry | undefined {
  const drafted = draftsWith(snapshot, [premed.drug], false).map((d) => d.medication).find((m) => m !== undefined && doseFits(m, premed.mg));
  if (drafted) return drafted;
  const active = currentMedications(snapshot, [premed.drug], new Set(['active'])).find((m) => doseFits(m, premed.mg));
  if (active) return active;
  return administrationsOf(snapshot, [premed.drug]).find((a) => {
    const at = givenAt(a);
    if (!at || !doseFits(a, premed.mg)) return false;
    const before = hoursBetween(at, p.plannedAt);
    return before >= 0 && before <= PREMEDICATION_HOURS_BEFORE;
  });
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // MD-scope: step-up doses and the first full dose. Premedication after a reaction to the first
  // full dose needs per-dose reaction data the snapshot does not carry (see the rule report).
  const phases = bispecificPhases(snapshot, ctx).filter((p) => p.kind !== 'maintenance');
  const out: Finding[] = [];
  for (const p of phases) {
    const met: string[] = [];
    const notMet: string[] = [];
    const suggestions: SuggestionRequest[] = [];
    const values = [usedMedication(p.medication, p.protocol.drug)];
    for (const premed of premedsFor(p)) {
      const found = covered(snapshot, p, premed);
      if (found) {
        met.push(premed.criterion);
        values.push(usedMedication(found, premed.drug));
      } else {
        notMet.push(premed.criterion);
        suggestions.push({ template: premed.template });
      }
    }
    if (notMet.length === 0) continue;
    out.push({
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: p.draft.ref,
      variant: 'default',
      params: { drug: p.medication.display, dexamethasone: p.protocol.dexamethasoneMg },
      values,
      missing: [],
      criteriaMet: met,
      criteriaNotMet: notMet,
      suggestions,
      indicator: 'warning',
    });
  }
  return out;
}

export const bispecificPremedication: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['medicationRequests', 'medicationAdministrations'],
  evaluate,
};
