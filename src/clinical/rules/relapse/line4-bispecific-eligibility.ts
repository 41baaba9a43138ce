import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { hasConcept } from '../support/medications.js';
import { antiMyelomaExposures } from '../response/context.js';
import { draftsInFocus } from './context.js';

// Catalogue A.7 `line4-bispecific-eligibility`. Seed [003] «Fjerdelinjebehandling»: «Pasienter som
// kommer til fjerde linje og som i en av de tidligere linjene har mottatt en immunmodulator
// (lenalidomid eller pomalidomid), en proteasomhemmer (bortezomib, karfilzomib eller ixazomib) og et
// CD38-antistoff (daratumumab, isatuxiumab) bør få bispesifikt antistoff … Denne behandlingen er også
// aktuell for pasienter som er refraktære for CD38-antistoff, karfilzomib og pomalidomide selv om antall
// linjer er færre enn 3»; «• Teklistamab eller • Elranatamab eller • Talkvetamab (når refundert)».

export const RULE_ID = 'line4-bispecific-eligibility';

/** The seed's fourth-line bispecifics. */
const BISPECIFICS = ['drug:teclistamab', 'drug:elranatamab', 'drug:talquetamab'];
export const TRIPLE_CLASS = {
  imid: ['drug:lenalidomide', 'drug:pomalidomide'],
  pi: ['drug:bortezomib', 'drug:carfilzomib', 'drug:ixazomib'],
  cd38: ['drug:daratumumab', 'drug:isatuximab'],
} as const;

// The second arm (refractory to CD38 antibody, carfilzomib and pomalidomide) differs from the first only
// by the line count, which the service does not know: such a patient is triple-class exposed anyway.
function evaluate(snapshot: PatientSnapshot, _ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const drafts = draftsInFocus(snapshot).filter((d) => d.medication && hasConcept(d.medication, BISPECIFICS));
  if (drafts.length === 0) return [];
  const prior = antiMyelomaExposures(snapshot);
  const had = (drugs: readonly string[]): boolean => prior.some((m) => hasConcept(m, drugs));
  const classes = { imid: had(TRIPLE_CLASS.imid), pi: had(TRIPLE_CLASS.pi), cd38: had(TRIPLE_CLASS.cd38) };
  const values: UsedValue[] = prior.slice(0, 8).map((m): UsedValue => ({ concept: 'prior-drug', value: m.display, ...(m.occurredAt ?? m.date ? { date: m.occurredAt ?? m.date } : {}) }));
  const met = Object.entries(classes).filter(([, v]) => v).map(([k]) => `exposed-${k}`);
  const notMet = Object.entries(classes).filter(([, v]) => !v).map(([k]) => `exposed-${k}`);

  return drafts.map((d): Finding => {
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.display }, values, criteriaMet: met, criteriaNotMet: notMet };
    if (prior.length === 0) {
      // «incomplete medication history → warning "exposure history incomplete"».
      return { ...base, outcome: 'not-evaluable', variant: 'default', missing: ['prior-anti-myeloma-therapy'], indicator: 'warning' };
    }
    if (classes.imid && classes.pi && classes.cd38) return { ...base, outcome: 'fired', variant: 'triple-class-exposed', missing: [], indicator: 'info' };
    return { ...base, outcome: 'fired', variant: 'not-met', missing: [], indicator: 'warning' };
  });
}

export const line4BispecificEligibility: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
