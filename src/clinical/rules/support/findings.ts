import type { Finding, UsedValue } from '../../types.js';

/** What a not-evaluable finding may add to its values and missing data. */
export type NotEvaluableExtras = Partial<Pick<Finding, 'criteriaMet' | 'criteriaNotMet' | 'suggestions' | 'indicator'>>;

/** A rule about the whole patient that is in scope but lacks data: the card asks once for what is missing. */
export function patientNotEvaluable(ruleId: string, values: UsedValue[], missing: string[], extras: NotEvaluableExtras = {}): Finding {
  return { ruleId, outcome: 'not-evaluable', subject: 'patient', variant: 'default', params: {}, values, missing, ...extras };
}
