import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromRoot } from '../../paths.js';
import type { Rule } from '../types.js';
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

describe('rule layout', () => {
  const rulesDir = dirname(fileURLToPath(import.meta.url));
  const areaDirs = readdirSync(rulesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'support')
    .map((d) => d.name);

  it('registers every rule in exactly one area, whose folder holds the rule, its test and its card', async () => {
    const seen = new Map<string, string>();
    for (const area of areaDirs) {
      const mod = (await import(`./${area}/index.js`)) as Record<string, unknown>;
      const lists = Object.values(mod).filter((v): v is Rule[] => Array.isArray(v));
      expect(lists).toHaveLength(1);
      for (const rule of lists[0] ?? []) {
        expect(seen.get(rule.id)).toBeUndefined();
        seen.set(rule.id, area);
        expect(existsSync(join(rulesDir, area, `${rule.id}.ts`))).toBe(true);
        expect(existsSync(join(rulesDir, area, `${rule.id}.test.ts`))).toBe(true);
        expect(existsSync(fromRoot('cards', area, `${rule.id}.json`))).toBe(true);
      }
    }
    expect([...seen.keys()].sort()).toEqual(allRules.map((r) => r.id).sort());
  });
});
