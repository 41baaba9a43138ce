import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { currentMedications, draftsWith, hasConcept } from '../support/medications.js';
import { type SeedDose, bodySize, doseFinding } from '../support/regimen-dose.js';

// Catalogue A.7 `regimen-dose-pcd`, seed [003] «Pomalidomid, cyklofosfamid, deksametason (PCd)»:
// «Pomalidomid (peroralt) 4 mg Dag 1-21 Cyklofosfamid (peroralt) 400 mg Dag 1, 8, 15»; Pd is «PCd uten C».
// Fixed doses: no body size needed. Dexamethasone by age is `dose-dexamethasone-age`.

export const RULE_ID = 'regimen-dose-pcd';

const POMALIDOMIDE = 'drug:pomalidomide';
const CYCLOPHOSPHAMIDE = 'drug:cyclophosphamide';
const BELANTAMAB = 'drug:belantamab-mafodotin';

/** «Pomalidomid (peroralt) 4 mg Dag 1-21» */
export const POMALIDOMIDE_DOSE: SeedDose = { value: 4, unit: 'mg' };
/** «Cyklofosfamid (peroralt) 400 mg Dag 1, 8, 15» */
export const CYCLOPHOSPHAMIDE_DOSE: SeedDose = { value: 400, unit: 'mg' };

const onOrDrafted = (s: PatientSnapshot, concept: string): boolean =>
  currentMedications(s, [concept]).length > 0 || draftsWith(s, [concept], false).length > 0;

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // Cyclophosphamide is checked only with pomalidomide: as a mobilisation agent it is dosed per m² (A.6).
  if (!inMyelomaScope(snapshot) || !onOrDrafted(snapshot, POMALIDOMIDE)) return [];
  const regimen = onOrDrafted(snapshot, BELANTAMAB) ? 'BPd' : onOrDrafted(snapshot, CYCLOPHOSPHAMIDE) ? 'PCd' : 'Pd';
  const out: Finding[] = [];
  for (const draft of snapshot.draftOrders) {
    const med = draft.medication;
    if (!draft.inFocus || !med || !hasConcept(med, [POMALIDOMIDE, CYCLOPHOSPHAMIDE])) continue;
    const pom = hasConcept(med, [POMALIDOMIDE]);
    const component = pom ? 'pomalidomide' : 'cyclophosphamide';
    const params = { drug: draft.display, regimen };
    if (ctx.hook === 'order-select') {
      out.push({ ruleId: RULE_ID, subject: draft.ref, outcome: 'fired', variant: pom && regimen === 'BPd' ? 'regimen-pomalidomide-bpd' : `regimen-${component}`, params, values: [], missing: [], indicator: 'info' });
      continue;
    }
    const f = doseFinding(RULE_ID, draft, pom ? POMALIDOMIDE_DOSE : CYCLOPHOSPHAMIDE_DOSE, bodySize(snapshot, ctx.now), component, params);
    if (f) out.push(f);
  }
  return out;
}

export const regimenDosePcd: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'medicationRequests'],
  evaluate,
};
