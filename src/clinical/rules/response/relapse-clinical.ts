import type { CodedObservation, EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { labValues, usedLab } from '../support/labs.js';
import { isValidDate } from '../support/time.js';
import { antiMyelomaExposures, inResponseScope } from './context.js';
import { assessProgression } from './progression-biochemical.js';

// Catalogue A.5 `relapse-clinical`, seed [003] «Behandling av tilbakefall»: «Klinisk tilbakefall:
// nye eller økte osteolytiske eller bløtvevslesjoner, forverring av hyperkalsemi, anemi eller
// nyresvikt. Hyperviskositet.» The CRAB limits are those of «Diagnostiske kriterier».

export const RULE_ID = 'relapse-clinical';

export const CALCIUM_CORRECTED = 'lab:calcium-corrected';
export const CALCIUM = 'lab:calcium';
export const CREATININE = 'lab:creatinine';
export const EGFR = 'lab:egfr';
export const HB = 'lab:hb';
export const LESION = 'obs:imaging-progressive-lesion';
export const HYPERVISCOSITY = 'cond:hyperviscosity';

/** «Albumin-korrigert Ca >0,25 mmol/L over referanseverdi eller > 2,75 mmol/L» (C-2: over ULN). */
export const CA_ABOVE_ULN_BY_MMOL_L = 0.25;
export const CA_ABOVE_MMOL_L = 2.75;
/** «Forhøyet kreatinin >177 µmol/L eller eGFR <40 mL/min/1,73m2» */
export const CREATININE_ABOVE_UMOL_L = 177;
export const EGFR_BELOW = 40;
/** «Hb <10 g/dL eller 2 g/dL under laboratoriets referanseområde» (C-3: < LLN − 2 g/dL). */
export const HB_BELOW_G_DL = 10;
export const HB_BELOW_LLN_BY_G_DL = 2;
/** A.0.5 imaging window «siste 6 månedene» (proposal for a lesion finding to count as current). */
export const IMAGING_WINDOW_MONTHS = 6;

export type CrabArm = 'calcium' | 'renal' | 'anaemia';
export type RelapseFinding = 'lesion' | CrabArm | 'hyperviscosity';

interface Measure {
  concept: string;
  unit: string;
  meets: (v: LabValue) => boolean;
  /** True when `later` is worse than `earlier`. */
  worse: (earlier: LabValue, later: LabValue) => boolean;
}

const MEASURES: Record<string, Measure> = {
  [CALCIUM_CORRECTED]: {
    concept: CALCIUM_CORRECTED,
    unit: 'mmol/L',
    meets: (v) => v.value > CA_ABOVE_MMOL_L || (v.referenceRange?.high !== undefined && v.value > v.referenceRange.high + CA_ABOVE_ULN_BY_MMOL_L),
    worse: (a, b) => b.value > a.value,
  },
  [CREATININE]: { concept: CREATININE, unit: 'umol/L', meets: (v) => v.value > CREATININE_ABOVE_UMOL_L, worse: (a, b) => b.value > a.value },
  [EGFR]: { concept: EGFR, unit: 'mL/min/{1.73_m2}', meets: (v) => v.value < EGFR_BELOW, worse: (a, b) => b.value < a.value },
  [HB]: {
    concept: HB,
    unit: 'g/dL',
    meets: (v) => v.value < HB_BELOW_G_DL || (v.referenceRange?.low !== undefined && v.value < v.referenceRange.low - HB_BELOW_LLN_BY_G_DL),
    worse: (a, b) => b.value < a.value,
  },
};
// Total calcium counts only when no corrected value is on record (proposal: C-2 prefers the lab's corrected Ca).
MEASURES[CALCIUM] = { ...(MEASURES[CALCIUM_CORRECTED] as Measure), concept: CALCIUM };

const ARM_MEASURES: Record<CrabArm, string[]> = {
  calcium: [CALCIUM_CORRECTED, CALCIUM],
  renal: [CREATININE, EGFR],
  anaemia: [HB],
};

export interface ArmAssessment {
  arm: CrabArm;
  status: 'met' | 'not-met' | 'not-evaluable';
  latest?: LabValue;
  previous?: LabValue;
}

/** Newly met or worse than the previous value, while meeting the CRAB limit (needs two values). */
function assessMeasure(snapshot: PatientSnapshot, m: Measure, now: Date): { status: ArmAssessment['status']; latest?: LabValue; previous?: LabValue } {
  const values = labValues(snapshot, m.concept, m.unit).filter((v) => v.effective.getTime() <= now.getTime());
  const [latest, previous] = values;
  if (!latest || !previous) return { status: 'not-evaluable', ...(latest ? { latest } : {}) };
  const met = m.meets(latest) && (!m.meets(previous) || m.worse(previous, latest));
  return { status: met ? 'met' : 'not-met', latest, previous };
}

export function assessCrabArm(snapshot: PatientSnapshot, arm: CrabArm, now: Date): ArmAssessment {
  let concepts = ARM_MEASURES[arm];
  if (arm === 'calcium' && labValues(snapshot, CALCIUM_CORRECTED, 'mmol/L').length > 0) concepts = [CALCIUM_CORRECTED];
  let best: ArmAssessment = { arm, status: 'not-evaluable' };
  for (const concept of concepts) {
    const r = assessMeasure(snapshot, MEASURES[concept] as Measure, now);
    if (r.status === 'met') return { arm, ...r };
    if (r.status === 'not-met' || (best.status === 'not-evaluable' && r.latest)) best = { arm, ...r };
  }
  return best;
}

function addMonths(d: Date, months: number): Date {
  const out = new Date(d.getTime());
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

/** The newest coded lesion finding within the imaging window, when it says present. */
export function recentLesion(snapshot: PatientSnapshot, now: Date): CodedObservation | undefined {
  const latest = (snapshot.codedObservations[LESION] ?? []).find((o) => isValidDate(o.effective) && o.effective.getTime() <= now.getTime());
  if (!latest || addMonths(latest.effective, IMAGING_WINDOW_MONTHS).getTime() < now.getTime()) return undefined;
  return latest.valueConcepts.some((c) => c === 'answer:present' || c === 'answer:positive') ? latest : undefined;
}

/**
 * Competing causes of a CRAB worsening a record may code (seed: «spesielt anemi, hyperkalsemi og
 * nyresvikt må utredes med tanke på andre årsaker»). A site adds its own through the terminology.
 */
export const COMPETING_CAUSES: Record<CrabArm, readonly string[]> = {
  renal: ['cond:acute-kidney-injury'],
  calcium: [],
  anaemia: [],
};

export interface ClinicalRelapseAssessment {
  /** Every finding: lesions, hyperviscosity and CRAB arms newly met or worse. */
  findings: RelapseFinding[];
  /**
   * Findings that make a clinical relapse: lesions and hyperviscosity, and CRAB arms only together
   * with M-protein/FLC progression. A CRAB arm alone is a possible relapse to be worked up.
   */
  confirmed: RelapseFinding[];
  /** CRAB arms worse without clonal (M-protein/FLC/marrow) progression: other causes to exclude. */
  crabOnly: CrabArm[];
  clonalProgression: boolean;
  /** Earliest date among the confirmed findings (the relapse date that `refractory-60-days` reads). */
  date?: Date;
  arms: ArmAssessment[];
  values: UsedValue[];
}

export function assessClinicalRelapse(snapshot: PatientSnapshot, now: Date): ClinicalRelapseAssessment {
  const findings: RelapseFinding[] = [];
  const values: UsedValue[] = [];
  const dates: Date[] = [];
  const crabDates: Date[] = [];
  const lesion = recentLesion(snapshot, now);
  if (lesion) {
    findings.push('lesion');
    dates.push(lesion.effective);
    values.push({ concept: LESION, value: 'present', date: lesion.effective, source: lesion.source });
  }
  const arms = (['calcium', 'renal', 'anaemia'] as const).map((arm) => assessCrabArm(snapshot, arm, now));
  for (const a of arms) {
    if (a.previous) values.push(usedLab(a.previous));
    if (a.latest) values.push(usedLab(a.latest));
    if (a.status === 'met' && a.latest) {
      findings.push(a.arm);
      crabDates.push(a.latest.effective);
    }
  }
  const hyper = currentConditions(snapshot, [HYPERVISCOSITY])[0];
  if (hyper) {
    findings.push('hyperviscosity');
    const when = hyper.onset ?? hyper.recorded;
    if (when) dates.push(when);
    values.push(usedCondition(hyper));
  }
  const crab = findings.filter((f): f is CrabArm => f === 'calcium' || f === 'renal' || f === 'anaemia');
  const clonalProgression = crab.length > 0 && assessProgression(snapshot, now).pd;
  const confirmed = findings.filter((f) => !crab.includes(f as CrabArm) || clonalProgression);
  if (clonalProgression) dates.push(...crabDates);
  const date = dates.sort((a, b) => a.getTime() - b.getTime())[0];
  return { findings, confirmed, crabOnly: clonalProgression ? [] : crab, clonalProgression, ...(date ? { date } : {}), arms, values };
}

const CRAB_CONCEPTS: Record<CrabArm, string> = { calcium: CALCIUM_CORRECTED, renal: CREATININE, anaemia: HB };

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // Relapse presupposes treated myeloma: at diagnosis the same values are CRAB, not relapse.
  if (!inResponseScope(snapshot) || antiMyelomaExposures(snapshot).length === 0) return [];
  const r = assessClinicalRelapse(snapshot, ctx.now);
  const criteriaMet = r.findings;
  const criteriaNotMet = r.arms.filter((a) => a.status === 'not-met').map((a) => a.arm);
  const criteria = {
    ...(criteriaMet.length ? { criteriaMet } : {}),
    ...(criteriaNotMet.length ? { criteriaNotMet } : {}),
  };
  const unevaluable = r.arms.filter((a) => a.status === 'not-evaluable');
  if (r.confirmed.length > 0) {
    return [
      {
        ruleId: RULE_ID,
        outcome: 'fired',
        subject: 'patient',
        variant: r.confirmed[0] as RelapseFinding,
        params: {},
        values: r.values,
        missing: unevaluable.map((a) => CRAB_CONCEPTS[a.arm]),
        ...criteria,
      },
    ];
  }
  const arm = r.crabOnly[0];
  if (arm) {
    // «… må utredes med tanke på andre årsaker»: a possible relapse, with a coded competing cause named.
    const causes = currentConditions(snapshot, r.crabOnly.flatMap((a) => COMPETING_CAUSES[a]));
    const cause = causes[0];
    return [
      {
        ruleId: RULE_ID,
        outcome: 'fired',
        subject: 'patient',
        variant: cause ? `possible-${arm}-cause` : `possible-${arm}`,
        params: cause ? { cause: cause.display } : {},
        values: [...r.values, ...causes.map((c) => usedCondition(c))],
        missing: unevaluable.map((a) => CRAB_CONCEPTS[a.arm]),
        criteriaMet,
        criteriaNotMet: [...criteriaNotMet, 'clonal-progression'],
      },
    ];
  }
  // «No card if nothing is evaluable»; with some CRAB arms compared and others lacking a second
  // value, say which could not be compared rather than pass silently.
  if (unevaluable.length === 0 || unevaluable.length === r.arms.length) return [];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'not-evaluable',
      subject: 'patient',
      variant: 'default',
      params: {},
      values: r.values,
      missing: unevaluable.map((a) => CRAB_CONCEPTS[a.arm]),
      ...criteria,
    },
  ];
}

export const relapseClinical: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations'],
  evaluate,
};
