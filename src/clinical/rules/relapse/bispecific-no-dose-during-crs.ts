import type { ConditionEntry, EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { bispecificPhases, givenAt, hoursBetween, type BispecificPhase } from './context.js';
import { isCurrentCondition } from '../support/conditions.js';
import { administrationsOf, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';

// Catalogue A.7 `bispecific-no-dose-during-crs`. Seed [003] «Teklistamab»/«Elranatamab»/«Talkvetamab»:
// «Man må ikke gi ny opptrappingsdose eller første fulldose under pågående CRS/ICANs og man må ha vært
// fri for CRS uten behandling i minst 24 timer før neste dose gis.» («må ikke» → critical, A.0.2.)
// The snapshot carries no Condition.abatement: an active CRS/ICANS Condition is taken as ongoing
// until its clinicalStatus says otherwise.

export const RULE_ID = 'bispecific-no-dose-during-crs';

const CRS_CONDITIONS = ['cond:crs', 'cond:icans'];
const ASSESSMENT = 'obs:crs-assessment';
/**
 * CRS treatment: «gis tocilizumab (IL-6 reseptorhemmer) og kortikosteroider». Only tocilizumab counts:
 * a steroid given for CRS cannot be told from the dexamethasone premedication without the
 * administration's reason, which the snapshot does not carry.
 */
const TOCILIZUMAB = 'drug:tocilizumab';
/** «man må ha vært fri for CRS uten behandling i minst 24 timer før neste dose gis» */
export const CRS_FREE_HOURS = 24;

interface Dated {
  at: Date;
  value: UsedValue;
}

/** The later of onset and recorded date (the conservative end of what is known). */
function documentedAt(c: ConditionEntry): Date | undefined {
  const dates = [c.onset, c.recorded].filter(isValidDate);
  return dates.length > 0 ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined;
}

function conditionValue(c: ConditionEntry, at?: Date): UsedValue {
  return { concept: c.concepts.find((x) => CRS_CONDITIONS.includes(x)) ?? 'cond:crs', value: c.display, ...(at ? { date: at } : {}), source: sourceOf(c.ref) };
}

function newest(items: Dated[]): Dated | undefined {
  return items.reduce<Dated | undefined>((best, x) => (!best || x.at.getTime() > best.at.getTime() ? x : best), undefined);
}

/** The newest dated earlier dose of the drug; undefined when none has a time. */
function lastDoseAt(p: BispecificPhase): Date | undefined {
  const times = p.prior.map(givenAt).filter(isValidDate);
  return times.length > 0 ? new Date(Math.max(...times.map((d) => d.getTime()))) : undefined;
}

function judge(snapshot: PatientSnapshot, p: BispecificPhase): Finding | undefined {
  const base = { ruleId: RULE_ID, subject: p.draft.ref, params: { drug: p.medication.display } as Record<string, string | number> };
  const stepCriterion = p.kind === 'first-full' ? 'first-full-dose' : 'step-up-dose';
  const postpone = [{ template: 'postpone-dose', targetRef: p.draft.ref }];

  // Ongoing: a current CRS/ICANS Condition, whenever it began (no abatement in the snapshot).
  const ongoing = snapshot.conditions.filter((c) => isCurrentCondition(c) && c.concepts.some((x) => CRS_CONDITIONS.includes(x)));
  if (ongoing.length > 0) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'ongoing',
      values: ongoing.map((c) => conditionValue(c, documentedAt(c))),
      missing: [],
      criteriaMet: [stepCriterion, 'ongoing-crs-icans'],
      suggestions: postpone,
      indicator: 'critical',
    };
  }
  // «før neste dose»: the 24-hour clause and the documentation need an earlier dose to follow.
  if (p.prior.length === 0) return undefined;

  const since = lastDoseAt(p);
  const planned = p.plannedAt.getTime();
  const inWindow = (d: Date): boolean => d.getTime() <= planned && (since === undefined || d.getTime() > since.getTime());
  const lastDose = p.prior.find((a) => givenAt(a)?.getTime() === since?.getTime()) ?? p.prior[p.prior.length - 1];
  const doseValue = lastDose ? [usedMedication(lastDose, 'last-dose')] : [];

  const assessments = (snapshot.codedObservations[ASSESSMENT] ?? [])
    .filter((o) => inWindow(o.effective))
    .map((o) => ({ at: o.effective, present: o.valueConcepts.includes('answer:present'), absent: o.valueConcepts.includes('answer:absent'), source: o.source }))
    .filter((o) => o.present || o.absent)
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  const assessmentValue = (o: (typeof assessments)[number]): UsedValue => ({ concept: ASSESSMENT, value: o.present ? 'present' : 'absent', date: o.at, source: o.source });

  const latest = assessments[0];
  if (latest?.present) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'ongoing',
      values: [...doseValue, assessmentValue(latest)],
      missing: [],
      criteriaMet: [stepCriterion, 'ongoing-crs-icans'],
      suggestions: postpone,
      indicator: 'critical',
    };
  }

  // CRS since the last dose: a present assessment, a tocilizumab dose, or a CRS/ICANS Condition now resolved.
  const treatments: Dated[] = administrationsOf(snapshot, [TOCILIZUMAB]).flatMap((a) => {
    const at = givenAt(a);
    return at && inWindow(at) ? [{ at, value: usedMedication(a, TOCILIZUMAB) }] : [];
  });
  const episodes: Dated[] = [
    ...assessments.filter((o) => o.present).map((o) => ({ at: o.at, value: assessmentValue(o) })),
    ...treatments,
    ...snapshot.conditions.flatMap((c) => {
      if (!c.concepts.some((x) => CRS_CONDITIONS.includes(x)) || c.verificationStatus === 'refuted') return [];
      const at = documentedAt(c);
      return at && inWindow(at) ? [{ at, value: conditionValue(c, at) }] : [];
    }),
  ];
  const lastEpisode = newest(episodes);

  if (!lastEpisode) {
    // An assessment reading absent since the last dose is the documentation the rule asks for.
    if (latest) return undefined;
    return { ...base, outcome: 'not-evaluable', variant: 'default', values: doseValue, missing: [ASSESSMENT], criteriaMet: [stepCriterion], indicator: 'warning' };
  }

  const lastTreatment = newest(treatments);
  if (lastTreatment && hoursBetween(lastTreatment.at, p.plannedAt) < CRS_FREE_HOURS) {
    return {
      ...base,
      params: { ...base.params, hours: Math.floor(hoursBetween(lastTreatment.at, p.plannedAt)) },
      outcome: 'fired',
      variant: 'treated-recently',
      values: [...doseValue, lastTreatment.value],
      missing: [],
      criteriaMet: [stepCriterion, 'crs-since-last-dose', 'treatment-lt-24h'],
      suggestions: postpone,
      indicator: 'critical',
    };
  }

  // CRS-free from the first assessment reading absent after the last sign of CRS or its treatment.
  const freeFrom = [...assessments].reverse().find((o) => o.absent && o.at.getTime() > lastEpisode.at.getTime());
  if (!freeFrom) {
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: 'resolution-undocumented',
      values: [...doseValue, lastEpisode.value],
      missing: [ASSESSMENT],
      criteriaMet: [stepCriterion, 'crs-since-last-dose'],
      indicator: 'warning',
    };
  }
  const freeHours = hoursBetween(freeFrom.at, p.plannedAt);
  if (freeHours >= CRS_FREE_HOURS) return undefined;
  return {
    ...base,
    params: { ...base.params, hours: Math.floor(freeHours) },
    outcome: 'fired',
    variant: 'crs-free-lt-24h',
    values: [...doseValue, lastEpisode.value, assessmentValue(freeFrom)],
    missing: [],
    criteriaMet: [stepCriterion, 'crs-since-last-dose', 'crs-free-lt-24h'],
    suggestions: postpone,
    indicator: 'critical',
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // MD-scope: a step-up dose or the first full dose of a bispecific with a step-up protocol.
  return bispecificPhases(snapshot, ctx)
    .filter((p) => p.kind !== 'maintenance')
    .map((p) => judge(snapshot, p))
    .filter((f): f is Finding => f !== undefined);
}

export const bispecificNoDoseDuringCrs: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['conditions', 'observations', 'medicationAdministrations'],
  evaluate,
};
