import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { hasConcept } from '../support/medications.js';
import { isoDate } from '../support/time.js';
import { ANTI_MYELOMA, antiMyelomaExposures } from '../response/context.js';
import { progressionEvents } from '../response/refractory-60-days.js';
import { draftsInFocus } from './context.js';

// Catalogue A.7 `line3-regimen`. Seed [003] «Tredjelinjebehandling»: «Hvis man har fått
// Isatuximab-karfilzomib-deksametason (Isa-Kd) i 2. linje, gir man belantamab mafodotin-pomalidomid-
// deksametason (BPd) i 3. linje • Hvis man har gitt belantamab mafodotin-bortezomib-deksametason (BVd)
// i 2. linje, gis isatuximab/daratumumab-pomalidomid-deksametason (Isa/D-Pd) i 3. linje.» «Hvis man har
// brukt både CD38-antistoff og belantamab mafodotin når man kommer til 3. linje anbefales: • 1. valg:
// … PCd … • 2. valg: Pomalidomid, deksametason (Pd)».

export const RULE_ID = 'line3-regimen';

const BELANTAMAB = ['drug:belantamab-mafodotin'];
const CARFILZOMIB = ['drug:carfilzomib'];
const CD38 = ['class:cd38-antibody'];
const NOT_A_REGIMEN_TRIGGER = ['drug:melphalan'];
/** The seed's 2nd-line drugs: one of them on record means the patient comes to the 3rd line (proposal). */
const SECOND_LINE_MARKERS = [...BELANTAMAB, ...CARFILZOMIB];
/** 3rd-line and later drugs: past the 3rd line (proposal). */
const LATER_LINE_DRUGS = ['drug:pomalidomide', 'drug:elotuzumab', 'drug:venetoclax', 'drug:selinexor', 'class:bispecific', 'class:car-t'];

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const draft = draftsInFocus(snapshot).find((d) => d.medication && hasConcept(d.medication, ANTI_MYELOMA) && !hasConcept(d.medication, NOT_A_REGIMEN_TRIGGER));
  if (!draft) return [];
  const events = progressionEvents(snapshot, ctx.now);
  const progression = events[events.length - 1];
  if (!progression) return [];
  const prior = antiMyelomaExposures(snapshot);
  const used = (concepts: readonly string[]): boolean => prior.some((m) => hasConcept(m, concepts));
  if (!used(SECOND_LINE_MARKERS) || used(LATER_LINE_DRUGS)) return [];

  const belantamab = used(BELANTAMAB);
  const cd38 = used(CD38);
  const carfilzomib = used(CARFILZOMIB);
  const values: UsedValue[] = [
    { concept: 'progression-date', value: isoDate(progression.date), date: progression.date },
    ...prior.filter((m) => hasConcept(m, [...BELANTAMAB, ...CARFILZOMIB, ...CD38])).slice(0, 6).map((m): UsedValue => ({ concept: 'prior-drug', value: m.display, ...(m.occurredAt ?? m.date ? { date: m.occurredAt ?? m.date } : {}) })),
  ];
  // Both CD38 antibody and belantamab used: the seed's own row, whatever the order (it covers BVd after a CD38 first line).
  const variant = belantamab && cd38 ? 'pcd' : belantamab ? 'after-bvd' : carfilzomib && cd38 ? 'after-isa-kd' : undefined;
  const base = { ruleId: RULE_ID, subject: draft.ref, values, params: {} };
  if (!variant) {
    // Carfilzomib without a CD38 antibody is not Isa-Kd: the prior regimen is unclear → the full table.
    return [{ ...base, outcome: 'not-evaluable', variant: 'default', missing: ['prior-second-line-regimen'] }];
  }
  return [{ ...base, outcome: 'fired', variant, missing: [] }];
}

export const line3Regimen: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
