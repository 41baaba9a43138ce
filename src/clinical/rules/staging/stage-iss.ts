import type {
  ConditionEntry,
  EvaluationContext,
  Finding,
  LabValue,
  PatientSnapshot,
  Rule,
  SourceRef,
  SuggestionRequest,
  UsedValue,
} from '../../types.js';
import { DAY_MS } from '../../day.js';
import { patientNotEvaluable } from '../support/findings.js';

// Catalogue A.4 `stage-iss`: International Staging System for myeloma, from serum β2-microglobulin
// and albumin at diagnosis. Seed [003] «Internasjonalt prognostisk stadium (ISS)».

export const RULE_ID = 'stage-iss';

const B2M = 'lab:b2m';
const ALBUMIN = 'lab:albumin';
/** Canonical units (A.0.4); a value in any other unit is treated as missing, never compared. */
const CANONICAL_UNIT: Record<string, string> = { [B2M]: 'mg/L', [ALBUMIN]: 'g/L' };
/** LOINC for the order-the-test suggestion (B.1, VERIFIED). */
const LOINC: Record<string, string> = { [B2M]: '1952-1', [ALBUMIN]: '1751-7' };

/** «Stadium I S-β2 mikroglobulin <3,5 mg/L og S-albumin ≥35 g/L» */
export const ISS_I_B2M_BELOW_MG_L = 3.5;
/** «Stadium I S-β2 mikroglobulin <3,5 mg/L og S-albumin ≥35 g/L» */
export const ISS_I_ALBUMIN_AT_LEAST_G_L = 35;
/** «Stadium III S-β2 mikroglobulin ≥5,5» (no unit printed; read as mg/L like stage I, C-1). */
export const ISS_III_B2M_AT_LEAST_MG_L = 5.5;
// «Stadium II Verken I eller II» is circular; read as "neither I nor III" (C-1).

/** A.0.5 (proposal): staging labs within ≤ 60 days around the diagnosis date; outside = missing. */
export const DIAGNOSIS_WINDOW_DAYS = 60;

/**
 * Catalogue A.4, missing data: «β2M < 5.5 and albumin missing → cannot separate I from II (MD-info)».
 * Followed literally (`true`): β2M in [3.5, 5.5) without albumin is not evaluable, although
 * β2M ≥ 3.5 on its own already rules out ISS I. Set to `false` to assign ISS II there (lead decision;
 * the `II` summary in cards/stage-iss.json then needs a wording without `{albumin}`).
 */
export const ISS_II_REQUIRES_ALBUMIN = true;

/** MD-scope: ISS stages myeloma; MGUS, smouldering myeloma and plasmacytoma are not staged. */
const SCOPE_CONDITIONS = ['cond:multiple-myeloma', 'cond:plasma-cell-leukaemia'];
/** clinicalStatus values that count as current disease; an unstated status counts too. */
const ACTIVE_CLINICAL_STATUSES = new Set(['active', 'recurrence', 'relapse']);
/** A diagnosis recorded as wrong is no diagnosis. */
const EXCLUDED_VERIFICATION_STATUSES = new Set(['refuted', 'entered-in-error']);


export type IssStage = 'I' | 'II' | 'III';

/** Criterion keys of cards/stage-iss.json, in display order. */
export const CRITERIA = {
  b2mBelow35: 'b2m-lt-3.5',
  albuminAtLeast35: 'albumin-ge-35',
  b2mAtLeast55: 'b2m-ge-5.5',
} as const;

export interface IssClassification {
  /** Undefined when the stage cannot be determined. */
  stage?: IssStage;
  /** Concepts that are needed but missing (only when `stage` is undefined). */
  missing: string[];
  met: string[];
  notMet: string[];
}

/** The ISS table on canonical values (mg/L, g/L); `undefined` = not available. */
export function classifyIss(
  b2m: number | undefined,
  albumin: number | undefined,
  issIIRequiresAlbumin: boolean = ISS_II_REQUIRES_ALBUMIN,
): IssClassification {
  const met: string[] = [];
  const notMet: string[] = [];
  const record = (key: string, value: boolean | undefined): void => {
    if (value !== undefined) (value ? met : notMet).push(key);
  };
  record(CRITERIA.b2mBelow35, b2m === undefined ? undefined : b2m < ISS_I_B2M_BELOW_MG_L);
  record(CRITERIA.albuminAtLeast35, albumin === undefined ? undefined : albumin >= ISS_I_ALBUMIN_AT_LEAST_G_L);
  record(CRITERIA.b2mAtLeast55, b2m === undefined ? undefined : b2m >= ISS_III_B2M_AT_LEAST_MG_L);

  if (b2m === undefined) {
    return { missing: albumin === undefined ? [B2M, ALBUMIN] : [B2M], met, notMet };
  }
  if (b2m >= ISS_III_B2M_AT_LEAST_MG_L) return { stage: 'III', missing: [], met, notMet };
  if (albumin === undefined) {
    if (issIIRequiresAlbumin || b2m < ISS_I_B2M_BELOW_MG_L) return { missing: [ALBUMIN], met, notMet };
    return { stage: 'II', missing: [], met, notMet };
  }
  if (b2m < ISS_I_B2M_BELOW_MG_L && albumin >= ISS_I_ALBUMIN_AT_LEAST_G_L) return { stage: 'I', missing: [], met, notMet };
  return { stage: 'II', missing: [], met, notMet };
}

function isScopeCondition(c: ConditionEntry): boolean {
  return (
    c.concepts.some((id) => SCOPE_CONDITIONS.includes(id)) &&
    (c.clinicalStatus === undefined || ACTIVE_CLINICAL_STATUSES.has(c.clinicalStatus)) &&
    !(c.verificationStatus !== undefined && EXCLUDED_VERIFICATION_STATUSES.has(c.verificationStatus))
  );
}

function isValidDate(d: Date | undefined): d is Date {
  return d !== undefined && Number.isFinite(d.getTime());
}

/** The earliest onset (else recorded date) among the scope conditions, with the condition it came from. */
function diagnosis(conditions: ConditionEntry[]): { date: Date; condition: ConditionEntry } | undefined {
  let best: { date: Date; condition: ConditionEntry } | undefined;
  for (const condition of conditions) {
    const date = isValidDate(condition.onset) ? condition.onset : isValidDate(condition.recorded) ? condition.recorded : undefined;
    if (date && (!best || date.getTime() < best.date.getTime())) best = { date, condition };
  }
  return best;
}

/**
 * The value closest to the diagnosis date within the window (an equal distance goes to the earlier,
 * pre-treatment value); without a diagnosis date, the latest value.
 */
function valueAtDiagnosis(values: LabValue[] | undefined, concept: string, diagnosisDate: Date | undefined): LabValue | undefined {
  const usable = (values ?? []).filter(
    (v) => v.unit === CANONICAL_UNIT[concept] && Number.isFinite(v.value) && isValidDate(v.effective),
  );
  let best: LabValue | undefined;
  if (!diagnosisDate) {
    for (const v of usable) if (!best || v.effective.getTime() > best.effective.getTime()) best = v;
    return best;
  }
  let bestDistance = Infinity;
  for (const v of usable) {
    const distance = Math.abs(v.effective.getTime() - diagnosisDate.getTime());
    if (distance > DIAGNOSIS_WINDOW_DAYS * DAY_MS) continue;
    if (distance < bestDistance || (distance === bestDistance && best && v.effective.getTime() < best.effective.getTime())) {
      best = v;
      bestDistance = distance;
    }
  }
  return best;
}

function sourceOf(ref: string): SourceRef {
  const [resourceType = ref, id] = ref.split('/');
  return id ? { resourceType, id } : { resourceType };
}

function usedLab(v: LabValue): UsedValue {
  return { concept: v.concept, value: v.value, unit: v.unit, date: v.effective, source: v.source };
}

function evaluate(snapshot: PatientSnapshot, _ctx: EvaluationContext): Finding[] {
  const scope = snapshot.conditions.filter(isScopeCondition);
  if (scope.length === 0) return [];

  const dx = diagnosis(scope);
  const b2m = valueAtDiagnosis(snapshot.labs[B2M], B2M, dx?.date);
  const albumin = valueAtDiagnosis(snapshot.labs[ALBUMIN], ALBUMIN, dx?.date);
  const result = classifyIss(b2m?.value, albumin?.value);

  const firstScope = scope[0] as ConditionEntry;
  const diagnosisValue: UsedValue = dx
    ? { concept: 'diagnosis', value: dx.condition.display, date: dx.date, source: sourceOf(dx.condition.ref) }
    : { concept: 'diagnosis', value: firstScope.display, source: sourceOf(firstScope.ref) };
  const values: UsedValue[] = [diagnosisValue];
  if (b2m) values.push(usedLab(b2m));
  if (albumin) values.push(usedLab(albumin));

  const criteria = {
    ...(result.met.length > 0 ? { criteriaMet: result.met } : {}),
    ...(result.notMet.length > 0 ? { criteriaNotMet: result.notMet } : {}),
  };

  if (!result.stage) {
    // MD-info: name what is missing and offer to order it; never a partial stage.
    const suggestions: SuggestionRequest[] = result.missing.map((concept) => ({
      template: 'order-lab',
      params: { concept, loinc: LOINC[concept] as string },
    }));
    return [patientNotEvaluable(RULE_ID, values, result.missing, { ...criteria, suggestions })];
  }

  const params: Record<string, string | number> = { stage: result.stage };
  if (b2m) params.b2m = b2m.value;
  if (albumin) params.albumin = albumin.value;
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: result.stage,
      params,
      values,
      missing: [],
      ...criteria,
    },
  ];
}

export const stageIss: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations'],
  evaluate,
};
