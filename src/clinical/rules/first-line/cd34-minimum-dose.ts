import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { UNIT, draftDose, medicationDrafts, plannedServiceRequests, procedureDrafts } from './context.js';
import { labValues, usedLab } from '../support/labs.js';

// Catalogue A.6 `cd34-minimum-dose`: at least 2.0 × 10⁶ CD34+ cells/kg per HMAS.
// Seed [003] «Stamcellehøsting» and «HMAS».

export const RULE_ID = 'cd34-minimum-dose';

/**
 * «Minste antall stamceller per HMAS-behandling er 2,0 x 10*6 CD34 positive celler/kg kroppsvekt.»;
 * «Reinfunderte stamceller skal være minimum 2,0 x 106 CD34+ celler/kg kroppsvekt.»
 */
export const MIN_CD34_PER_KG_PER_HMAS = 2.0;
/** «… 200 mg/m2 140 mg/m2 Dag -1»: the seed's high-dose melphalan doses; the lower one marks an HMAS dose. */
export const HMAS_MELPHALAN_MIN_MG_M2 = 140;

const GRAFT_DOSE = 'lab:cd34-graft-dose';
const MELPHALAN = 'drug:melphalan';
const HMAS = 'proc:hmas';
const HSCT = 'proc:hsct';
const PLANNED_HMAS = 'planned-hmas';

export const CRITERIA = {
  belowMinimum: 'graft-below-minimum',
  tandem: 'tandem-planned',
} as const;

/** Planned HMAS treatments: active requests on record plus drafts, each counted once. */
function plannedHmasCount(snapshot: PatientSnapshot): number {
  const refs = new Set<string>();
  for (const p of plannedServiceRequests(snapshot, HMAS)) refs.add(p.ref);
  for (const d of snapshot.draftOrders) if (d.procedure?.concepts.includes(HMAS)) refs.add(d.ref);
  return Math.max(1, refs.size);
}

/** The HMAS orders of this session: HMAS / stem-cell reinfusion requests, and high-dose melphalan. */
function hmasDrafts(snapshot: PatientSnapshot): DraftOrder[] {
  const hmasPlanned = plannedServiceRequests(snapshot, HMAS).length > 0 || snapshot.draftOrders.some((d) => d.procedure?.concepts.includes(HMAS));
  const melphalan = medicationDrafts(snapshot, [MELPHALAN]).filter((d) => {
    const perArea = draftDose(d, 'mg/m2');
    return hmasPlanned || (perArea !== undefined && perArea >= HMAS_MELPHALAN_MIN_MG_M2);
  });
  const out = [...procedureDrafts(snapshot, HMAS), ...procedureDrafts(snapshot, HSCT), ...melphalan];
  return out.filter((d, i) => out.findIndex((o) => o.ref === d.ref) === i);
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = hmasDrafts(snapshot);
  if (drafts.length === 0) return [];
  const graft = labValues(snapshot, GRAFT_DOSE, UNIT.cd34GraftDose).find((v) => v.effective.getTime() <= ctx.now.getTime());
  const planned = plannedHmasCount(snapshot);
  const required = Math.round(MIN_CD34_PER_KG_PER_HMAS * planned * 100) / 100;
  const plannedValue: UsedValue = { concept: PLANNED_HMAS, value: planned };

  return drafts.flatMap((draft): Finding[] => {
    const base = { ruleId: RULE_ID, subject: draft.ref };
    if (!graft) {
      // MD-warn: the graft's CD34+/kg is not documented. No window: a frozen product keeps its count.
      return [{ ...base, outcome: 'not-evaluable', variant: 'default', params: {}, values: [plannedValue], missing: [GRAFT_DOSE], indicator: 'warning' }];
    }
    if (graft.value >= required) return [];
    const tandem = planned > 1;
    return [
      {
        ...base,
        outcome: 'fired',
        variant: tandem ? 'tandem' : 'single',
        params: { dose: graft.value, required, planned },
        values: [usedLab(graft), plannedValue],
        missing: [],
        criteriaMet: tandem ? [CRITERIA.belowMinimum, CRITERIA.tandem] : [CRITERIA.belowMinimum],
        indicator: 'warning',
      },
    ];
  });
}

export const cd34MinimumDose: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['observations', 'serviceRequests'],
  evaluate,
};
