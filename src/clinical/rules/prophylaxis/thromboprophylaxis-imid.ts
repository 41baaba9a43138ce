import type { DataDomain, EvaluationContext, Finding, Indicator, PatientSnapshot, Rule } from '../../types.js';
import { currentConditions } from '../support/conditions.js';
import { currentMedications, draftsWith, isOnOrOrdered, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';

// Catalogue A.9 `thromboprophylaxis-imid`. Seed [003] «Tromboseprofylakse»: «Tromboseprofylakse ved
// lenalidomid og pomalidomid: • Acetylsalicylsyre 75 mg. Hvis pasienten har høy tromboserisiko bør
// warfarin, DOAC eller lavmolekylært heparin (enoxaparin 40 mg eller ekvivalent) brukes.»

export const RULE_ID = 'thromboprophylaxis-imid';

/** The seed names lenalidomide and pomalidomide (not thalidomide). */
const TRIGGER_DRUGS = ['drug:lenalidomide', 'drug:pomalidomide'];
/** ASA, warfarin, DOAC and LMWH (catalogue A.9 Data) all carry this class. */
const ANTITHROMBOTIC = ['class:antithrombotic'];
const ASA = 'drug:acetylsalicylic-acid';
/** C-38: «høy tromboserisiko» / «flere risikofaktorer» is a clinician flag or local score. */
const HIGH_RISK = ['cond:high-thrombosis-risk'];

const MEDICATION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements'];

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = draftsWith(snapshot, TRIGGER_DRUGS, true);
  if (drafts.length === 0) return [];

  const covered = isOnOrOrdered(snapshot, ANTITHROMBOTIC);
  const highRisk = currentConditions(snapshot, HIGH_RISK);
  const unavailable = MEDICATION_DOMAINS.filter((d) => snapshot.unavailable.includes(d));
  // A.0.1: order-select gives early, informational cards; order-sign is the safety net.
  const indicator: Indicator = ctx.hook === 'order-select' ? 'info' : 'warning';

  return drafts.flatMap((d): Finding[] => {
    const values = [{ concept: 'medication', value: d.display, source: sourceOf(d.ref) }, ...highRisk.map((c) => ({ concept: 'cond:high-thrombosis-risk', value: c.display, source: sourceOf(c.ref) }))];
    const base = { ruleId: RULE_ID, subject: d.ref, params: { drug: d.display }, values };

    if (covered) {
      if (highRisk.length === 0) return [];
      // With a high-risk flag, ASA alone is not enough: the seed asks for an anticoagulant.
      const recorded = currentMedications(snapshot, ANTITHROMBOTIC, new Set(['active']));
      const drafted = draftsWith(snapshot, ANTITHROMBOTIC, false).flatMap((x) => (x.medication ? [x.medication] : []));
      const antithrombotics = [...recorded, ...drafted];
      if (!antithrombotics.every((m) => m.concepts.includes(ASA))) return [];
      return [
        {
          ...base,
          values: [...values, ...antithrombotics.map((m) => usedMedication(m, ASA))],
          outcome: 'fired',
          variant: 'asa-high-risk',
          indicator: 'info',
          missing: [],
          criteriaMet: ['imid-order', 'high-thrombosis-risk', 'asa-only'],
          suggestions: [{ template: 'create-enoxaparin' }],
        },
      ];
    }
    if (unavailable.length > 0) {
      // MD-warn: without the medication list an existing antithrombotic cannot be seen.
      return [{ ...base, outcome: 'not-evaluable', variant: 'default', indicator, missing: unavailable.map((x) => `domain:${x}`), criteriaMet: ['imid-order'] }];
    }
    return [
      {
        ...base,
        outcome: 'fired',
        variant: 'missing',
        indicator,
        missing: [],
        criteriaMet: ['imid-order', 'no-antithrombotic', ...(highRisk.length > 0 ? ['high-thrombosis-risk'] : [])],
        // High risk: the anticoagulant first (same card, the clinician picks one).
        suggestions: highRisk.length > 0 ? [{ template: 'create-enoxaparin' }, { template: 'create-asa' }] : [{ template: 'create-asa' }, { template: 'create-enoxaparin' }],
      },
    ];
  });
}

export const thromboprophylaxisImid: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['medicationRequests', 'medicationStatements', 'conditions'],
  handlesUnavailable: true,
  evaluate,
};
