import { loadCardTemplates } from '../../cards/templates.js';
import { allRules, ruleById } from './index.js';

describe('rule index', () => {
  it('has unique rule ids, each reachable by id', () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['stage-iss', 'vzv-prophylaxis']));
    for (const r of allRules) expect(ruleById.get(r.id)).toBe(r);
    expect(ruleById.get('nope')).toBeUndefined();
  });

  it('every rule has a card template with the outcomes it can produce', () => {
    const templates = loadCardTemplates();
    for (const r of allRules) {
      const t = templates.get(r.id);
      expect(t).toBeDefined();
      expect(t?.outcomes.fired).toBeDefined();
      expect(t?.outcomes['not-evaluable']).toBeDefined();
    }
  });

  it('every rule runs on at least one hook and reads at least one domain', () => {
    for (const r of allRules) {
      expect(r.hooks.length).toBeGreaterThan(0);
      expect(r.needs.length).toBeGreaterThan(0);
    }
  });
});
