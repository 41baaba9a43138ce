import type { DataDomain, EvaluationContext, Finding, Indicator, PatientSnapshot, Rule } from '../../types.js';
import { draftsInFocus } from './context.js';
import { everExposed, hasConcept, usedMedication } from '../support/medications.js';

// Catalogue A.7 `belantamab-cup-prior-cd38`. Seed [003] «Andrelinjebehandling»: «Belantamab mafodotin
// er enda ikke refundert (november 2025), men kan fås gjennom tilgjengelig Compassionate Use Program
// (CUP) (krever at man har brukt et CD38-antistoff tidligere).»

export const RULE_ID = 'belantamab-cup-prior-cd38';

const BELANTAMAB = 'drug:belantamab-mafodotin';
/** Daratumumab or isatuximab, any earlier request, statement or administration (A.0.9). */
const CD38_ANTIBODY = 'class:cd38-antibody';
const HISTORY_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationAdministrations', 'medicationStatements'];

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = draftsInFocus(snapshot).flatMap((d) => (d.medication && hasConcept(d.medication, [BELANTAMAB]) ? [{ ref: d.ref, medication: d.medication }] : []));
  if (drafts.length === 0) return [];

  const exposures = everExposed(snapshot, [CD38_ANTIBODY]);
  if (exposures.length > 0) return [];
  // A.0.1: order-select informs early; order-sign warns.
  const indicator: Indicator = ctx.hook === 'order-select' ? 'info' : 'warning';
  const unavailable = HISTORY_DOMAINS.filter((d) => snapshot.unavailable.includes(d));
  const historyEmpty = snapshot.medications.length === 0 && snapshot.administrations.length === 0;

  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.medication.display }, values: [usedMedication(d.medication, BELANTAMAB)], indicator };
    if (unavailable.length > 0 || historyEmpty) {
      // MD-warn: without a medication history, prior CD38 exposure cannot be verified.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        missing: unavailable.length > 0 ? unavailable.map((x) => `domain:${x}`) : [CD38_ANTIBODY],
        criteriaMet: ['belantamab-order'],
      };
    }
    return { ...base, outcome: 'fired', variant: 'default', missing: [], criteriaMet: ['belantamab-order', 'no-prior-cd38'] };
  });
}

export const belantamabCupPriorCd38: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  handlesUnavailable: true,
  evaluate,
};
