import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { patientNotEvaluable } from '../support/findings.js';
import { latestLab, usedLab } from '../support/labs.js';
import { everExposed } from '../support/medications.js';
import { assessPcd, inClassificationScope } from './context.js';

// Catalogue A.1 `classify-plasma-cell-leukaemia`, seed [003] «Diagnostiske kriterier»,
// «Plasmacelleleukemi»: «Plasmaceller >5 % av leukocytter i blod.» and «Tellingen må gjøres i
// blodutstryk.» Warning: aggressive disease.

export const RULE_ID = 'classify-plasma-cell-leukaemia';

/**
 * «Plasmaceller >5 % av leukocytter i blod»; exactly 5 % also counts (C-6, proposal): the cited
 * IMWG 2021 definition is ≥ 5 %, and it closes the gap with the CAR-T limit «<5 %».
 */
export const PCL_AT_LEAST_PCT = 5;
export const PCL_FLAG_EXACTLY_5 = true;

/** Prior myeloma therapy makes the PCL secondary («som ikke har fått behandling tidligere» defines primary). */
const MYELOMA_THERAPY = ['class:proteasome-inhibitor', 'class:imid', 'class:cd38-antibody', 'class:bcma-directed', 'class:gprc5d-directed', 'class:car-t'];

export const PCL_CRITERIA = { pct: 'blood-pc-ge-5', smear: 'smear-method-not-recorded', calculated: 'pct-calculated-from-absolute' } as const;

export function isPcl(pct: number): boolean {
  return PCL_FLAG_EXACTLY_5 ? pct >= PCL_AT_LEAST_PCT - 1e-9 : pct - PCL_AT_LEAST_PCT > 1e-9;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inClassificationScope(snapshot)) return [];
  const pct = latestLab(snapshot, 'lab:blood-plasma-cells-pct', '%', ctx.now);
  const abs = latestLab(snapshot, 'lab:blood-plasma-cells-abs', '10*9/L', ctx.now);
  if (!pct && !abs) return []; // MD-scope: no value, no card.

  if (!pct && abs) {
    // An absolute count is an analyser value: the % must be counted on a smear (MD-info).
    const wbc = latestLab(snapshot, 'lab:wbc', '10*9/L', ctx.now);
    const values: UsedValue[] = [usedLab(abs), ...(wbc ? [usedLab(wbc)] : [])];
    const calc = wbc && wbc.value > 0 ? Math.round((abs.value / wbc.value) * 1000) / 10 : undefined;
    if (calc !== undefined && !isPcl(calc)) return [];
    if (calc !== undefined) values.push({ concept: 'blood-pc-pct-calculated', value: calc, unit: '%', date: abs.effective });
    return [
      patientNotEvaluable(RULE_ID, values, ['lab:blood-plasma-cells-pct', ...(wbc ? [] : ['lab:wbc'])], {
        ...(calc !== undefined ? { criteriaMet: [PCL_CRITERIA.calculated] } : {}),
        suggestions: [{ template: 'order-smear' }],
      }),
    ];
  }
  if (!pct || !isPcl(pct.value)) return [];

  const treated = snapshot.unavailable.includes('medicationRequests') ? undefined : everExposed(snapshot, MYELOMA_THERAPY).length > 0;
  const myeloma = assessPcd(snapshot, ctx.now)?.outcome === 'active';
  const variant = treated === true ? 'secondary' : treated === false && myeloma ? 'primary' : 'default';
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant,
      params: { pct: pct.value },
      values: [usedLab(pct)],
      missing: [],
      criteriaMet: [PCL_CRITERIA.pct],
      criteriaNotMet: [PCL_CRITERIA.smear],
    },
  ];
}

export const classifyPlasmaCellLeukaemia: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  // A missing medication list only blurs primary vs secondary; the PCL warning must still show.
  handlesUnavailable: true,
  evaluate,
};
