import type { CodedObservation, ConditionEntry, PatientSnapshot, SuggestionRequest, UsedValue } from '../../types.js';
import { currentConditions, earliestDiagnosis } from './conditions.js';
import { DAY_MS, isValidDate } from './time.js';

// Shared by the staging and risk rules of this area (stage-riss, risk-ims-imwg-2024,
// fish-iss-all-patients): myeloma scope, the diagnosis date, and FISH findings read as
// present / absent / not reported.

/** MD-scope of the myeloma staging and risk rules: treated myeloma, as for ISS (stage-iss.ts). */
export const MYELOMA_STAGING_SCOPE: readonly string[] = ['cond:multiple-myeloma', 'cond:plasma-cell-leukaemia'];

export type FishStatus = 'present' | 'absent';

/**
 * The biobank FISH panel («Biobank og FISH»): a result of any one counts as FISH done. TP53 is an
 * item of its own in the work-up.
 */
export const FISH_PANEL: readonly string[] = [
  'fish:del17p',
  'fish:mono17',
  'fish:t4-14',
  'fish:t14-16',
  'fish:t11-14',
  'fish:t14-20',
  'fish:gain1q',
  'fish:amp1q',
  'fish:del1p32-mono',
  'fish:del1p32-bi',
];

/** R-ISS high-risk FISH: «ikke høyrisiko FISH (del17p, t(4;14), t(14;16)». */
export const RISS_FISH: readonly string[] = ['fish:del17p', 'fish:t4-14', 'fish:t14-16'];

/** LOINC of the LD test for the order-the-test suggestion (B.1, VERIFIED). */
export const LOINC_BY_LAB: Readonly<Record<string, string>> = {
  'lab:b2m': '1952-1',
  'lab:albumin': '1751-7',
  'lab:ld': '2532-0',
  'lab:creatinine': '14682-9',
};

export interface StagingScope {
  conditions: ConditionEntry[];
  /** Earliest onset (else recorded date) of the scope conditions. */
  diagnosis?: { date: Date; condition: ConditionEntry };
}

/** Current myeloma or plasma cell leukaemia with its diagnosis date; undefined = MD-scope (no card). */
export function stagingScope(snapshot: PatientSnapshot): StagingScope | undefined {
  const conditions = currentConditions(snapshot, MYELOMA_STAGING_SCOPE);
  if (conditions.length === 0) return undefined;
  const diagnosis = earliestDiagnosis(conditions);
  return diagnosis ? { conditions, diagnosis } : { conditions };
}

export interface FishReading {
  status?: FishStatus;
  /** The report the status came from (a present report wins over absent ones). */
  observation?: CodedObservation;
}

/**
 * A FISH finding as reported. Any report of `present` wins over `absent`, because an acquired
 * high-risk lesion does not go away and a later negative sample may reflect low infiltration.
 * `around` restricts reports to ±`windowDays` of a date (staging at diagnosis, A.0.5).
 */
export function readFish(
  snapshot: PatientSnapshot,
  concept: string,
  now: Date,
  around?: { date: Date; windowDays: number },
): FishReading {
  const reports = (snapshot.codedObservations[concept] ?? []).filter((o) => {
    if (!isValidDate(o.effective) || o.effective.getTime() > now.getTime()) return false;
    if (!around) return true;
    return Math.abs(o.effective.getTime() - around.date.getTime()) <= around.windowDays * DAY_MS;
  });
  const present = reports.find((o) => o.valueConcepts.includes('answer:present'));
  if (present) return { status: 'present', observation: present };
  const absent = reports.find((o) => o.valueConcepts.includes('answer:absent'));
  if (absent) return { status: 'absent', observation: absent };
  return {};
}

/** Shown for a FISH answer in the detail; signs need no translation. */
export const FISH_SIGN: Readonly<Record<FishStatus, string>> = { present: '+', absent: '−' };

/** The detail line of a FISH report: the finding with its answer (+/−), date and source. */
export function usedFish(concept: string, reading: FishReading): UsedValue | undefined {
  if (!reading.status || !reading.observation) return undefined;
  return { concept, value: FISH_SIGN[reading.status], date: reading.observation.effective, source: reading.observation.source };
}

/** Order-the-lab suggestion for a lab concept with a known LOINC. */
export function orderLab(concept: string): SuggestionRequest | undefined {
  const loinc = LOINC_BY_LAB[concept];
  return loinc ? { template: 'order-lab', params: { concept, loinc } } : undefined;
}
