import { runRules } from './engine.js';
import type { Finding, Rule } from './types.js';
import { context, snapshot } from './rules/support/snapshot-factory.test-support.js';
import { allRules } from './rules/index.js';

function finding(ruleId: string, subject = 'patient'): Finding {
  return { ruleId, outcome: 'fired', subject, variant: 'default', params: {}, values: [], missing: [] };
}

function rule(id: string, parts: Partial<Rule> = {}): Rule {
  return { id, hooks: ['patient-view'], needs: ['conditions'], evaluate: () => [finding(id)], ...parts };
}

describe('runRules', () => {
  it('runs only the rules registered for the hook, in rule order', () => {
    const rules = [
      rule('a'),
      rule('b', { hooks: ['order-sign'] }),
      rule('c', { hooks: ['patient-view', 'order-sign'], evaluate: () => [finding('c', 'x'), finding('c', 'y')] }),
    ];
    expect(runRules(rules, snapshot(), context('patient-view')).findings.map((f) => `${f.ruleId}:${f.subject}`)).toEqual([
      'a:patient',
      'c:x',
      'c:y',
    ]);
    expect(runRules(rules, snapshot(), context('order-sign')).findings.map((f) => f.ruleId)).toEqual(['b', 'c', 'c']);
    expect(runRules(rules, snapshot(), context('order-select'))).toEqual({ findings: [], skipped: [] });
  });

  it('skips a rule whose needed data are unavailable and says which domains', () => {
    let called = false;
    const rules = [
      rule('needs-meds', {
        needs: ['conditions', 'medicationRequests', 'observations'],
        evaluate: () => {
          called = true;
          return [];
        },
      }),
      rule('needs-conditions'),
    ];
    const result = runRules(rules, snapshot({ unavailable: ['observations', 'medicationRequests'] }), context('patient-view'));
    expect(called).toBe(false);
    expect(result.skipped).toEqual([
      { ruleId: 'needs-meds', reason: 'data-unavailable', domains: ['medicationRequests', 'observations'] },
    ]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['needs-conditions']);
  });

  it('lets a rule that handles unavailable data run anyway', () => {
    const rules = [rule('handles', { needs: ['medicationRequests'], handlesUnavailable: true })];
    const result = runRules(rules, snapshot({ unavailable: ['medicationRequests'] }), context('patient-view'));
    expect(result.findings.map((f) => f.ruleId)).toEqual(['handles']);
    expect(result.skipped).toEqual([]);
  });

  it('does not report rules of other hooks as skipped', () => {
    const rules = [rule('other-hook', { hooks: ['order-sign'], needs: ['observations'] })];
    expect(runRules(rules, snapshot({ unavailable: ['observations'] }), context('patient-view')).skipped).toEqual([]);
  });

  it('catches a throwing rule, reports it as an error and keeps the other findings', () => {
    const rules = [
      rule('before'),
      rule('broken', {
        evaluate: () => {
          throw new Error('boom with patient data');
        },
      }),
      rule('not-an-array', { evaluate: () => undefined as unknown as Finding[] }),
      rule('after'),
    ];
    const result = runRules(rules, snapshot(), context('patient-view'));
    expect(result.findings.map((f) => f.ruleId)).toEqual(['before', 'after']);
    expect(result.skipped).toEqual([
      { ruleId: 'broken', reason: 'error', domains: [] },
      { ruleId: 'not-an-array', reason: 'error', domains: [] },
    ]);
    expect(JSON.stringify(result)).not.toContain('boom');
  });

  it('is deterministic over the real rules', () => {
    const s = snapshot({ unavailable: ['observations'] });
    const first = runRules(allRules, s, context('patient-view'));
    const second = runRules(allRules, s, context('patient-view'));
    expect(second).toEqual(first);
    // Every patient-view rule that reads observations and does not handle their absence itself is
    // reported as skipped (it becomes the data-unavailable card), never dropped.
    const expected = allRules
      .filter((r) => r.hooks.includes('patient-view') && r.needs.includes('observations') && !r.handlesUnavailable)
      .map((r) => ({ ruleId: r.id, reason: 'data-unavailable', domains: ['observations'] }));
    expect(expected.length).toBeGreaterThan(5);
    expect(first.skipped).toEqual(expected);
  });
});
