import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, ProcedureEntry, Rule, UsedValue } from '../../types.js';
import { currentConditions, hasCurrentCondition, inMyelomaScope, usedCondition } from '../support/conditions.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';
import { CORD_COMPRESSION, RADIOTHERAPY } from './cord-compression-emergency.js';

// Catalogue A.10 `rt-dose-guidance`, seed [003] «Situasjoner hvor strålebehandling, kirurgisk behandling og
// kjemoterapi vurderes»: fractionation by indication when radiotherapy is ordered. The radiotherapy unit
// decides, so the card is information and offers no order.

export const RULE_ID = 'rt-dose-guidance';

const SOLITARY = ['cond:solitary-plasmacytoma-bone', 'cond:extramedullary-plasmacytoma'];
/** A generalised disease makes a plasmacytoma a lesion of myeloma, not a curative solitary target. */
const GENERALISED = ['cond:multiple-myeloma', 'cond:plasma-cell-leukaemia', 'cond:smouldering-myeloma'];

export const VARIANTS = {
  cordCompression: 'cord-compression',
  solitary: 'solitary-plasmacytoma',
  general: 'general',
} as const;

/** Criterion key: an earlier course of radiotherapy is on record (re-irradiation advice applies). */
export const PRIOR_RT = 'prior-radiotherapy';

const DONE = new Set(['completed', 'in-progress']);

function radiotherapyDrafts(snapshot: PatientSnapshot): DraftOrder[] {
  return snapshot.draftOrders.filter((d) => d.inFocus && d.procedure?.concepts.includes(RADIOTHERAPY));
}

function priorRadiotherapy(snapshot: PatientSnapshot, now: Date): ProcedureEntry | undefined {
  return snapshot.procedures
    .filter((p) => p.source === 'Procedure' && p.concepts.includes(RADIOTHERAPY) && p.status !== undefined && DONE.has(p.status))
    .filter((p) => isValidDate(p.date) && p.date.getTime() <= now.getTime())
    .sort((a, b) => (b.date?.getTime() ?? 0) - (a.date?.getTime() ?? 0))[0];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = radiotherapyDrafts(snapshot);
  if (drafts.length === 0) return [];
  const conditionsKnown = !snapshot.unavailable.includes('conditions');
  if (conditionsKnown && !inMyelomaScope(snapshot)) return [];

  const values: UsedValue[] = [];
  const met: string[] = [];
  let variant: string = VARIANTS.general;
  if (conditionsKnown) {
    const cord = currentConditions(snapshot, [CORD_COMPRESSION]);
    const solitary = currentConditions(snapshot, SOLITARY);
    if (cord.length > 0) {
      variant = VARIANTS.cordCompression;
      values.push(...cord.map((c) => usedCondition(c)));
    } else if (solitary.length > 0 && !hasCurrentCondition(snapshot, GENERALISED)) {
      variant = VARIANTS.solitary;
      values.push(...solitary.map((c) => usedCondition(c)));
    }
  }
  const prior = snapshot.unavailable.includes('procedures') ? undefined : priorRadiotherapy(snapshot, ctx.now);
  if (prior) {
    met.push(PRIOR_RT);
    values.push({ concept: RADIOTHERAPY, value: prior.display, ...(prior.date ? { date: prior.date } : {}), source: sourceOf(prior.ref) });
  }

  return drafts.map((draft) => ({
    ruleId: RULE_ID,
    // Without the diagnoses the indication is unknown: the whole table is shown instead.
    outcome: conditionsKnown ? 'fired' : 'not-evaluable',
    subject: draft.ref,
    variant: conditionsKnown ? variant : 'default',
    params: {},
    values,
    missing: conditionsKnown ? [] : ['domain:conditions'],
    ...(met.length > 0 ? { criteriaMet: met } : {}),
  }));
}

export const rtDoseGuidance: Rule = {
  id: RULE_ID,
  hooks: ['order-select'],
  needs: ['conditions', 'procedures'],
  handlesUnavailable: true,
  evaluate,
};
