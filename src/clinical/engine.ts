import { nameMatchedEntries, withNameMatches } from './name-matches.js';
import type { DataDomain, EvaluationContext, Finding, PatientSnapshot, Rule } from './types.js';

// Runs a service's rules over one snapshot. A rule never takes the request down with it, and a
// rule that could not run is never dropped silently: it comes back in `skipped`, which the caller
// turns into the `service.data-unavailable` card.

export type SkipReason = 'data-unavailable' | 'error';

export interface SkippedRule {
  ruleId: string;
  reason: SkipReason;
  /** The unavailable domains the rule needs (empty for `error`). */
  domains: DataDomain[];
}

export interface RunResult {
  /** In rule order, then in the order each rule returned them. */
  findings: Finding[];
  /** In rule order. */
  skipped: SkippedRule[];
}

export function runRules(rules: Rule[], snapshot: PatientSnapshot, ctx: EvaluationContext): RunResult {
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const unavailable = new Set<DataDomain>(snapshot.unavailable);
  const byName = nameMatchedEntries(snapshot);

  for (const rule of rules) {
    if (!rule.hooks.includes(ctx.hook)) continue;

    const missingDomains = rule.needs.filter((d) => unavailable.has(d));
    if (missingDomains.length > 0 && !rule.handlesUnavailable) {
      skipped.push({ ruleId: rule.id, reason: 'data-unavailable', domains: missingDomains });
      continue;
    }

    let result: Finding[];
    try {
      result = rule.evaluate(snapshot, ctx);
      if (!Array.isArray(result)) throw new TypeError(`rule ${rule.id} did not return an array`);
    } catch {
      // The error itself may quote patient data, so only the rule id travels on.
      skipped.push({ ruleId: rule.id, reason: 'error', domains: [] });
      continue;
    }
    findings.push(...result.map((f) => withNameMatches(f, byName)));
  }

  return { findings, skipped };
}
