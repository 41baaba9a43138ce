import type { ConditionEntry, EvaluationContext, Finding, PatientSnapshot, ProcedureEntry, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { patientNotEvaluable } from '../support/findings.js';
import { currentConditions, earliestDiagnosis, usedCondition } from '../support/conditions.js';
import { labNearest, labValues, latestLab, usedLab } from '../support/labs.js';
import { isValidDate, isoDate } from '../support/time.js';
import { addMonths, addYears } from '../support/calendar.js';
import { FOLLOWUP_TESTS } from './mgus-followup.js';
import { ge, gt } from '../classification/mde-criteria.js';
import { WB_MRI } from '../classification/mde-slim.js';
import { examinationSince, involvedChain, latestFlag, readIsotype, usedExamination, usedFlag } from '../workup/context.js';

// Catalogue A.3 `followup-smm-plasmacytoma`. Seed [003] «Plasmacytomer etter behandling og ulmende
// myelomatose»: «oppfølging ved hematologisk poliklinikk hver 3. måned med standard blod- og
// urinprøver», then imaging by subtype (FDG-PET/CT or WB-MRI yearly for 5 years; alternating WB-MRI
// and CT every 6 months with one MRI lesion; yearly WB-MRI without, may stop after 5 years).

export const RULE_ID = 'followup-smm-plasmacytoma';

/** «hver 3. måned med standard blod- og urinprøver» */
export const LAB_INTERVAL_MONTHS = 3;
/** «FDG-PET/CT årlig i 5 år» / «MR helkropp årlig i 5 år» / «Årlig MR helkropp» */
export const YEARLY_MONTHS = 12;
export const FOLLOWUP_YEARS = 5;
/** «Alternerende MR helkropp og CT skjelett hver 6. mnd» */
export const ALTERNATING_MONTHS = 6;
/** «Hvis økning med 5 g/L M-komponent» (≥, C-8) */
export const M_RISE_G_L = 5;
/** «økning i involvert lettkjede på >100 mg/L» (C-8) */
export const FLC_RISE_MG_L = 100;
/** A.0.5 (proposal): the baseline is the value within ±60 days of the diagnosis (C-8: from the diagnosis value). */
export const BASELINE_WINDOW_DAYS = 60;

const SMM = 'cond:smouldering-myeloma';
const SP_BONE = 'cond:solitary-plasmacytoma-bone';
const SP_EMP = 'cond:extramedullary-plasmacytoma';
const PROGRESSED = ['cond:multiple-myeloma', 'cond:plasma-cell-leukaemia'];
const TREATMENT = 'proc:plasmacytoma-treatment';
const PET_CT = 'proc:fdg-pet-ct';
const MRI = 'proc:wb-mri';
const CT = 'proc:lowdose-ct';

export type Subtype = 'sp-extramedullary' | 'sp-bone' | 'smm-one-lesion' | 'smm-no-lesion';

/** Due-item keys (card labels and criteria). */
export const DUE = { labs: 'labs', petCt: 'pet-ct', mri: 'wb-mri', ct: 'lowdose-ct' } as const;
export const C = {
  riseM: 'rise-m-ge-5',
  riseFlc: 'rise-flc-gt-100',
  stable: 'stable-no-rise',
  riseUnknown: 'rise-not-computable',
  imagingEnded: 'imaging-5-years-ended',
  labsUpToDate: 'labs-up-to-date',
  imagingUpToDate: 'imaging-up-to-date',
} as const;

const SUGGESTION: Readonly<Record<string, string>> = { [DUE.petCt]: 'order-pet-ct', [DUE.mri]: 'order-wb-mri', [DUE.ct]: 'order-lowdose-ct' };

/** A diagnosis not recorded as wrong; a treated plasmacytoma may be in remission and is still followed. */
function recorded(snapshot: PatientSnapshot, concept: string): ConditionEntry[] {
  return snapshot.conditions.filter(
    (c) => c.concepts.includes(concept) && c.verificationStatus !== 'refuted' && c.verificationStatus !== 'entered-in-error',
  );
}

function lastTreatment(snapshot: PatientSnapshot, now: Date): ProcedureEntry | undefined {
  let best: ProcedureEntry | undefined;
  for (const p of snapshot.procedures) {
    if (p.source !== 'Procedure' || !p.concepts.includes(TREATMENT) || !isValidDate(p.date)) continue;
    if (p.status === 'not-done' || p.status === 'entered-in-error' || p.status === 'preparation') continue;
    if (p.date.getTime() > now.getTime()) continue;
    if (!best?.date || p.date.getTime() > best.date.getTime()) best = p;
  }
  return best;
}

/** Imaging due for one modality at `intervalMonths`: the first one is due `intervalMonths` after the start. */
export function imagingDue(last: Date | undefined, start: Date, now: Date, intervalMonths: number): boolean {
  if (now.getTime() < addMonths(start, intervalMonths).getTime()) return false;
  return !last || now.getTime() > addMonths(last, intervalMonths).getTime();
}

interface Rise {
  status: 'rise' | 'stable' | 'unknown';
  criteria: string[];
  values: UsedValue[];
}

/** C-8: increase from the value at diagnosis: M-protein ≥ +5 g/L or involved FLC > +100 mg/L. */
function riseSinceDiagnosis(snapshot: PatientSnapshot, diagnosis: Date, now: Date): Rise {
  const values: UsedValue[] = [];
  const criteria: string[] = [];
  let known = 0;
  const mBase = labNearest(snapshot, 'lab:mprotein', 'g/L', diagnosis, BASELINE_WINDOW_DAYS, now);
  const mNow = latestLab(snapshot, 'lab:mprotein', 'g/L', now);
  if (mBase && mNow && mNow.effective.getTime() > mBase.effective.getTime()) {
    known += 1;
    values.push({ ...usedLab(mBase), concept: 'baseline-mprotein' }, usedLab(mNow));
    if (ge(mNow.value - mBase.value, M_RISE_G_L)) criteria.push(C.riseM);
  }
  const chain = involvedChain(readIsotype(snapshot, now));
  const chains = chain ? [chain] : (['kappa', 'lambda'] as const);
  const flc = chains.map((c) => {
    const concept = c === 'kappa' ? 'lab:flc-kappa' : 'lab:flc-lambda';
    return { base: labNearest(snapshot, concept, 'mg/L', diagnosis, BASELINE_WINDOW_DAYS, now), latest: latestLab(snapshot, concept, 'mg/L', now) };
  });
  // Without a typing the involved chain is the larger one at diagnosis (C-5).
  const involved = flc.filter((f) => f.base).sort((a, b) => (b.base?.value ?? 0) - (a.base?.value ?? 0))[0];
  if (involved?.base && involved.latest && involved.latest.effective.getTime() > involved.base.effective.getTime()) {
    known += 1;
    values.push({ ...usedLab(involved.base), concept: 'baseline-flc' }, usedLab(involved.latest));
    if (gt(involved.latest.value - involved.base.value, FLC_RISE_MG_L)) criteria.push(C.riseFlc);
  }
  if (criteria.length > 0) return { status: 'rise', criteria, values };
  return known > 0 ? { status: 'stable', criteria: [C.stable], values } : { status: 'unknown', criteria: [C.riseUnknown], values };
}

interface LabCheck {
  due: boolean;
  suggestions: SuggestionRequest[];
  values: UsedValue[];
}

/** «hver 3. måned med standard blod- og urinprøver»: the eight follow-up tests (proposal, as for MGUS) within 3 months. */
function labsCheck(snapshot: PatientSnapshot, start: Date, now: Date): LabCheck {
  const out: LabCheck = { due: false, suggestions: [], values: [] };
  if (now.getTime() < addMonths(start, LAB_INTERVAL_MONTHS).getTime()) return out;
  const from = addMonths(now, -LAB_INTERVAL_MONTHS);
  for (const test of FOLLOWUP_TESTS) {
    const value = test.concepts
      .map(({ concept, unit }) => labValues(snapshot, concept, unit).find((v) => v.effective.getTime() >= from.getTime() && v.effective.getTime() <= now.getTime()))
      .find((v) => v !== undefined);
    const ordered = value
      ? undefined
      : examinationSince(
          { ...snapshot, procedures: snapshot.procedures.filter((p) => p.source !== 'Procedure') },
          test.concepts.map((c) => c.concept),
          from,
          now,
        );
    if (value) out.values.push(usedLab(value));
    else if (!ordered) {
      out.due = true;
      for (const o of test.orders) out.suggestions.push({ template: 'order-lab', params: o });
    }
  }
  return out;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const now = ctx.now;
  if (currentConditions(snapshot, PROGRESSED).length > 0) return [];
  const treatment = lastTreatment(snapshot, now);
  const emp = recorded(snapshot, SP_EMP);
  const bone = recorded(snapshot, SP_BONE);
  const smm = currentConditions(snapshot, [SMM]);
  const values: UsedValue[] = [];
  let subtype: Subtype | undefined;
  let start: Date | undefined;

  if (treatment?.date && (emp.length > 0 || bone.length > 0)) {
    subtype = emp.length > 0 ? 'sp-extramedullary' : 'sp-bone';
    start = treatment.date;
    values.push(usedCondition((emp[0] ?? bone[0]) as ConditionEntry), usedExamination(treatment, 'treatment'));
  } else if (smm.length > 0) {
    const dx = earliestDiagnosis(smm);
    values.push(usedCondition(dx?.condition ?? (smm[0] as ConditionEntry), dx?.date));
    if (!dx) {
      return [notEvaluable(values, ['diagnosis-date'], [])];
    }
    start = dx.date;
    // MRI lesion status from a coded whole-body MRI (C-4): «absent» = no lesion. «present» in a patient
    // still smouldering is one lesion (proposal): two or more focal lesions would be a SLiM event (active myeloma).
    const mri = latestFlag(snapshot, WB_MRI, now);
    if (mri) {
      values.push(usedFlag(WB_MRI, mri, '+', '−'));
      subtype = mri.value ? 'smm-one-lesion' : 'smm-no-lesion';
    }
  } else {
    return [];
  }

  const labs = labsCheck(snapshot, start, now);
  values.push(...labs.values);
  const due: string[] = labs.due ? [DUE.labs] : [];
  const criteriaMet: string[] = [];
  const criteriaNotMet: string[] = [];
  const suggestions: SuggestionRequest[] = [...labs.suggestions];
  const lastOf = (concept: string): ProcedureEntry | undefined => examinationSince(snapshot, [concept], undefined, now);

  if (!subtype) {
    // SMM without a coded whole-body MRI result: «imaging interval not determinable».
    const lastMri = lastOf(MRI);
    if (lastMri) values.push(usedExamination(lastMri, DUE.mri));
    if (!lastMri?.date || now.getTime() > addMonths(lastMri.date, ALTERNATING_MONTHS).getTime()) suggestions.push({ template: 'order-wb-mri' });
    if (labs.due) criteriaNotMet.push(DUE.labs);
    else criteriaMet.push(C.labsUpToDate);
    return [notEvaluable(values, [WB_MRI], suggestions, criteriaMet, criteriaNotMet)];
  }

  let variant: string = subtype;
  const imagingEnd = addYears(start, FOLLOWUP_YEARS);
  const dueOne = (key: string, last: ProcedureEntry | undefined, interval: number): void => {
    if (last) values.push(usedExamination(last, key));
    if (imagingDue(last?.date, start, now, interval)) {
      due.push(key);
      suggestions.push({ template: SUGGESTION[key] as string });
    } else criteriaMet.push(C.imagingUpToDate);
  };

  if (subtype === 'sp-extramedullary' || subtype === 'sp-bone') {
    if (now.getTime() > imagingEnd.getTime()) criteriaMet.push(C.imagingEnded);
    else if (subtype === 'sp-extramedullary') dueOne(DUE.petCt, lastOf(PET_CT), YEARLY_MONTHS);
    else dueOne(DUE.mri, lastOf(MRI), YEARLY_MONTHS);
  } else if (subtype === 'smm-no-lesion') {
    if (now.getTime() > imagingEnd.getTime()) {
      // «Kan avsluttes etter 5 år ved stabile forhold og følges som MGUS. Hvis økning …, gjenopptas MR-undersøkelser.»
      const rise = riseSinceDiagnosis(snapshot, start, now);
      values.push(...rise.values);
      (rise.status === 'rise' ? criteriaMet : criteriaNotMet).push(...rise.criteria);
      if (rise.status === 'stable') variant = 'smm-may-stop';
      else dueOne(DUE.mri, lastOf(MRI), YEARLY_MONTHS);
      if (rise.status === 'rise') variant = 'smm-resume-mri';
    } else dueOne(DUE.mri, lastOf(MRI), YEARLY_MONTHS);
  } else {
    const lastMri = lastOf(MRI);
    const lastCt = lastOf(CT);
    for (const [key, p] of [[DUE.mri, lastMri], [DUE.ct, lastCt]] as const) if (p) values.push(usedExamination(p, key));
    const next = alternatingDue(lastMri?.date, lastCt?.date, start, now);
    if (next) {
      due.push(next);
      suggestions.push({ template: SUGGESTION[next] as string });
    } else criteriaMet.push(C.imagingUpToDate);
  }

  if (due.length === 0 && variant !== 'smm-may-stop') return [];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant,
      params: { start: isoDate(start) },
      values,
      missing: due,
      ...(criteriaMet.length > 0 ? { criteriaMet } : {}),
      criteriaNotMet: [...due, ...criteriaNotMet],
      ...(suggestions.length > 0 ? { suggestions } : {}),
    },
  ];
}

/**
 * «Alternerende MR helkropp og CT skjelett hver 6. mnd» (SMM with one MRI lesion): the modality due,
 * the other one than the last examination, or undefined when the last is within 6 months.
 */
export function alternatingDue(lastMri: Date | undefined, lastCt: Date | undefined, start: Date, now: Date): 'wb-mri' | 'lowdose-ct' | undefined {
  const last = [lastMri, lastCt].filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
  if (!imagingDue(last, start, now, ALTERNATING_MONTHS)) return undefined;
  return last !== undefined && lastMri !== undefined && last.getTime() === lastMri.getTime() ? DUE.ct : DUE.mri;
}

function notEvaluable(values: UsedValue[], missing: string[], suggestions: SuggestionRequest[], met: string[] = [], notMet: string[] = []): Finding {
  return patientNotEvaluable(RULE_ID, values, missing, {
    ...(met.length > 0 ? { criteriaMet: met } : {}),
    ...(notMet.length > 0 ? { criteriaNotMet: notMet } : {}),
    ...(suggestions.length > 0 ? { suggestions } : {}),
  });
}

export const followupSmmPlasmacytoma: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'procedures', 'serviceRequests'],
  evaluate,
};
