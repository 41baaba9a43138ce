import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { hasConcept } from '../support/medications.js';
import { isoDate } from '../support/time.js';
import { ANTI_MYELOMA, antiMyelomaExposures } from '../response/context.js';
import { classifyExposure, exposures, progressionEvents } from '../response/refractory-60-days.js';
import { draftsInFocus } from './context.js';

// Catalogue A.7 `line2-regimen`. Seed [003] «Andrelinjebehandling»: «Hvis refraktær mot lenalidomid,
// eller har stoppet behandling grunnet intoleranse for lenalidomid, men ikke refraktær mot
// CD38-antistoff: 1. valg: … (BVd) … 2. valg: … (Isa-Kd)»; «Hvis ikke refraktær/intolerant mot
// CD38-antistoff eller lenalidomid: … (DRd) … (BPd)»; «Hvis refraktær mot CD38-antistoff og
// lenalidomid: … (BVd)».

export const RULE_ID = 'line2-regimen';

const LENALIDOMIDE = ['drug:lenalidomide'];
const CD38 = ['drug:daratumumab', 'drug:isatuximab'];
/** High-dose melphalan at relapse has its own rule (`relapse-hmas-eligibility`). */
const NOT_A_REGIMEN_TRIGGER = ['drug:melphalan'];
/**
 * Drugs the seed first names after the first relapse (2nd-line and later regimens); prior exposure to
 * one of them means the patient is past the second line (proposal, A.0.9 has no line number).
 */
export const LATER_LINE_DRUGS = [
  'drug:belantamab-mafodotin',
  'drug:carfilzomib',
  'drug:pomalidomide',
  'drug:elotuzumab',
  'drug:venetoclax',
  'drug:selinexor',
  'class:bispecific',
  'class:car-t',
];

export type ClassStatus = 'refractory' | 'exposed' | 'naive' | 'unknown';

/** Refractory if any member is; unknown if any member's stop date is unknown; else exposed or naive. */
export function classStatus(snapshot: PatientSnapshot, now: Date, drugs: readonly string[]): { status: ClassStatus; unknown: string[] } {
  const events = progressionEvents(snapshot, now);
  const members = exposures(snapshot, now)
    .filter((e) => drugs.includes(e.drug))
    .map((e) => ({ drug: e.drug, status: classifyExposure(e, events) }));
  if (members.some((m) => m.status === 'refractory')) return { status: 'refractory', unknown: [] };
  const unknown = members.filter((m) => m.status === 'unknown').map((m) => m.drug);
  if (unknown.length > 0) return { status: 'unknown', unknown };
  return { status: members.length > 0 ? 'exposed' : 'naive', unknown: [] };
}

function variantFor(len: ClassStatus, cd38: ClassStatus): 'len-refractory' | 'neither' | 'both-refractory' | undefined {
  if (len === 'refractory') return cd38 === 'refractory' ? 'both-refractory' : 'len-refractory';
  if (cd38 === 'refractory') return undefined; // not a row of the seed: the full table is shown
  return 'neither';
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const draft = draftsInFocus(snapshot).find((d) => d.medication && hasConcept(d.medication, ANTI_MYELOMA) && !hasConcept(d.medication, NOT_A_REGIMEN_TRIGGER));
  if (!draft) return [];
  // Quiet without a documented relapse, and past the second line.
  const events = progressionEvents(snapshot, ctx.now);
  const progression = events[events.length - 1];
  if (!progression) return [];
  if (antiMyelomaExposures(snapshot).some((m) => hasConcept(m, LATER_LINE_DRUGS))) return [];

  const len = classStatus(snapshot, ctx.now, LENALIDOMIDE);
  const cd38 = classStatus(snapshot, ctx.now, CD38);
  const values: UsedValue[] = [
    { concept: 'progression-date', value: isoDate(progression.date), date: progression.date },
    { concept: 'lenalidomide-status', value: len.status },
    { concept: 'cd38-status', value: cd38.status },
  ];
  const base = { ruleId: RULE_ID, subject: draft.ref, values, params: {} };
  const variant = len.status === 'unknown' || cd38.status === 'unknown' ? undefined : variantFor(len.status, cd38.status);
  if (!variant) {
    // «refractory status unknown → show the full table» (MD-info); also CD38-refractory without
    // lenalidomide refractoriness, which the seed's table does not cover.
    const missing = [...len.unknown, ...cd38.unknown];
    return [{ ...base, outcome: 'not-evaluable', variant: missing.length > 0 ? 'default' : 'cd38-only', missing: missing.length > 0 ? missing : ['lenalidomide-status'] }];
  }
  return [{ ...base, outcome: 'fired', variant, missing: [] }];
}

export const line2Regimen: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
