import type { ConditionEntry, EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { bispecificPhases } from './context.js';
import { isCurrentCondition } from '../support/conditions.js';
import { sourceOf } from '../support/refs.js';
import { daysBetween, isValidDate } from '../support/time.js';

// Catalogue A.7 `bispecific-no-start-during-infection`. Seed [003] «Teklistamab»/«Elranatamab»/
// «Talkvetamab»: «Behandling skal aldri starte under pågående infeksjon.» («skal aldri» → critical, A.0.2).

export const RULE_ID = 'bispecific-no-start-during-infection';

const INFECTION = 'cond:infection';
const ASSESSMENT = 'obs:infection-assessment';
/** A.0.5 (proposal): infection status before a bispecific start counts only within ≤ 7 days. */
export const INFECTION_WINDOW_DAYS = 7;

interface Evidence {
  at: Date;
  infected: boolean;
  value: UsedValue;
}

/** When a Condition was last documented: the later of onset and recorded date. */
function documentedAt(c: ConditionEntry): Date | undefined {
  const dates = [c.onset, c.recorded].filter(isValidDate);
  return dates.length > 0 ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined;
}

/** Infection documentation within the window before `at`, newest first. */
function evidence(snapshot: PatientSnapshot, at: Date): Evidence[] {
  const out: Evidence[] = [];
  const inWindow = (d: Date): boolean => {
    const age = daysBetween(d, at);
    return age >= 0 && age <= INFECTION_WINDOW_DAYS;
  };
  for (const c of snapshot.conditions) {
    if (!c.concepts.includes(INFECTION)) continue;
    const when = documentedAt(c);
    if (!when || !inWindow(when)) continue;
    const infected = isCurrentCondition(c);
    out.push({ at: when, infected, value: { concept: INFECTION, value: c.display, date: when, source: sourceOf(c.ref) } });
  }
  for (const obs of snapshot.codedObservations[ASSESSMENT] ?? []) {
    if (!inWindow(obs.effective)) continue;
    const infected = obs.valueConcepts.includes('answer:present');
    if (!infected && !obs.valueConcepts.includes('answer:absent')) continue;
    out.push({ at: obs.effective, infected, value: { concept: ASSESSMENT, value: infected ? 'present' : 'absent', date: obs.effective, source: obs.source } });
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime());
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // MD-scope: the first step-up dose of a bispecific with a step-up protocol (the start).
  const starts = bispecificPhases(snapshot, ctx).filter((p) => p.kind === 'step-up' && p.stepUp === 1);
  return starts.map((p): Finding | undefined => {
    const base = { ruleId: RULE_ID, subject: p.draft.ref, params: { drug: p.medication.display } };
    const found = evidence(snapshot, p.plannedAt);
    const newest = found[0];
    if (!newest) {
      // MD-warn: no infection status in the last 7 days.
      return { ...base, outcome: 'not-evaluable', variant: 'default', values: [], missing: [ASSESSMENT], criteriaMet: ['bispecific-start'], indicator: 'warning' };
    }
    // The newest documentation decides: an infection recorded resolved (or assessed absent) after an active one clears it.
    if (!newest.infected) return undefined;
    return {
      ...base,
      outcome: 'fired',
      variant: 'default',
      values: [newest.value],
      missing: [],
      criteriaMet: ['bispecific-start', 'active-infection'],
      suggestions: [{ template: 'postpone-start', targetRef: p.draft.ref }],
      indicator: 'critical',
    };
  }).filter((f): f is Finding => f !== undefined);
}

export const bispecificNoStartDuringInfection: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['conditions', 'observations', 'medicationAdministrations'],
  evaluate,
};
