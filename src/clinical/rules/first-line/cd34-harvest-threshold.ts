import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { STEM_CELL_APHERESIS, UNIT, calendarDaysBetween, clinicalDate, plannedServiceRequests, procedureDrafts, validDate } from './context.js';
import { inMyelomaScope } from '../support/conditions.js';
import { latestLab, usedLab } from '../support/labs.js';
import { sourceOf } from '../support/refs.js';

// Catalogue A.6 `cd34-harvest-threshold`: start the harvest when peripheral CD34+ rises above
// 15 × 10⁶/L. Seed [003] «Stamcellehøsting».

export const RULE_ID = 'cd34-harvest-threshold';

const CD34 = 'lab:cd34';

/** «Stamcellehøstingen bør startes når CD34 positive celler i perifert blod stiger over 15 x 10*6/L.» */
export const CD34_START_ABOVE = 15;
/** Catalogue (proposal): a CD34 count counts only within 24 h before the decision; CD34 changes by the day. */
export const CD34_WINDOW_DAYS = 1;

const PLANNED_HARVEST = 'planned-harvest';

export const CRITERIA = {
  above15: 'cd34-gt-15',
  notAbove15: 'cd34-le-15',
} as const;

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const cd34 = latestLab(snapshot, CD34, UNIT.cd34, ctx.now, CD34_WINDOW_DAYS);

  // Subjects: on order-sign each harvest draft; on patient-view the patient while a harvest is planned.
  const subjects: { subject: string; planned?: UsedValue }[] = [];
  if (ctx.hook === 'order-sign') {
    for (const d of procedureDrafts(snapshot, STEM_CELL_APHERESIS)) {
      if (subjects.some((s) => s.subject === d.ref)) continue;
      const date = validDate(d.procedure?.date);
      subjects.push({ subject: d.ref, ...(date ? { planned: { concept: PLANNED_HARVEST, value: clinicalDate(date), date, source: sourceOf(d.ref) } } : {}) });
    }
  } else if (ctx.hook === 'patient-view') {
    // "During mobilisation": an active harvest request planned for today or later.
    const planned = plannedServiceRequests(snapshot, STEM_CELL_APHERESIS)
      .filter((p) => validDate(p.date) && calendarDaysBetween(ctx.now, p.date as Date) >= 0)
      .sort((a, b) => (a.date as Date).getTime() - (b.date as Date).getTime())[0];
    if (planned) {
      subjects.push({ subject: 'patient', planned: { concept: PLANNED_HARVEST, value: clinicalDate(planned.date as Date), date: planned.date as Date, source: sourceOf(planned.ref) } });
    }
  }

  const out: Finding[] = [];
  for (const { subject, planned } of subjects) {
    const context = planned ? [planned] : [];
    if (!cd34) {
      // MD-info: no CD34 count from the last 24 h.
      out.push({ ruleId: RULE_ID, outcome: 'not-evaluable', subject, variant: 'default', params: {}, values: context, missing: [CD34], indicator: 'info' });
      continue;
    }
    const values = [usedLab(cd34), ...context];
    if (cd34.value > CD34_START_ABOVE) {
      // On order-sign the harvest being ordered is what the count calls for: nothing to add.
      if (subject === 'patient') {
        out.push({ ruleId: RULE_ID, outcome: 'fired', subject, variant: 'start', params: { cd34: cd34.value }, values, missing: [], criteriaMet: [CRITERIA.above15], indicator: 'info' });
      }
    } else if (subject !== 'patient') {
      out.push({ ruleId: RULE_ID, outcome: 'fired', subject, variant: 'below', params: { cd34: cd34.value }, values, missing: [], criteriaMet: [CRITERIA.notAbove15], indicator: 'info' });
    }
  }
  return out;
}

export const cd34HarvestThreshold: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-sign'],
  needs: ['conditions', 'observations', 'serviceRequests'],
  evaluate,
};
