import { readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Hook, Indicator, Rule } from '../clinical/types.js';
import type { CardTemplates, LocalizedText } from '../cards/templates.js';
import type { SlugFn } from '../protocol/sources.js';
import { fromRoot } from '../paths.js';
import { ruleOfTopic, type DemoPatient } from './demo-patients.js';

// The rule catalogue the page shows, built at run time from what the service itself runs: the rule
// list (ids, hooks), the card files (title, indicators, seed citation) and fixtures/scenarios.json
// (which demo patient shows the card). Nothing here is written by hand, so it cannot drift.

export interface CatalogueDemo {
  patientId: string;
  /** Index of the call in the patient's scenario list. */
  call: number;
  hook: Hook;
  /** The card topic the call gives (`<rule id>` or `<rule id>.not-evaluable`). */
  topic: string;
}

export interface CatalogueEntry {
  id: string;
  /** Clinical area: the folder of the rule's card file. */
  area: string;
  title: LocalizedText;
  hooks: Hook[];
  indicators: { fired?: Indicator; notEvaluable?: Indicator };
  citation?: { document: string; section: string; quote: string; url: string };
  /** The rule reads beyond the seed (shown as a proposal on its cards). */
  proposal: boolean;
  demos: CatalogueDemo[];
}

/** Rule id -> clinical area, from the card files' folders (cards/<area>/<rule id>.json). */
export function areasOfCardFiles(dir: string = fromRoot('cards')): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.json')) continue;
    const area = dirname(file);
    if (area !== '.') out.set(basename(file, '.json'), area);
  }
  return out;
}

export function buildCatalogue(rules: readonly Rule[], templates: CardTemplates, patients: readonly DemoPatient[], slug: SlugFn): CatalogueEntry[] {
  const areas = areasOfCardFiles();
  const demosByRule = new Map<string, CatalogueDemo[]>();
  for (const p of patients) {
    p.calls.forEach((call, index) => {
      for (const topic of call.expect) {
        const list = demosByRule.get(ruleOfTopic(topic)) ?? [];
        list.push({ patientId: p.id, call: index, hook: call.hook, topic });
        demosByRule.set(ruleOfTopic(topic), list);
      }
    });
  }
  return rules.map((rule) => {
    const t = templates.get(rule.id);
    // Fired cards first: a demo that shows the rule's result is worth more than one that shows what is missing.
    const demos = [...(demosByRule.get(rule.id) ?? [])].sort((a, b) => Number(a.topic !== rule.id) - Number(b.topic !== rule.id));
    const fired = t?.outcomes.fired?.indicator;
    const notEvaluable = t?.outcomes['not-evaluable']?.indicator;
    return {
      id: rule.id,
      area: areas.get(rule.id) ?? '',
      title: t?.title ?? { nb: rule.id, en: rule.id },
      hooks: [...rule.hooks],
      indicators: { ...(fired ? { fired } : {}), ...(notEvaluable ? { notEvaluable } : {}) },
      ...(t?.citation
        ? { citation: { ...t.citation, url: `sources/${encodeURIComponent(t.citation.document)}#${slug(t.citation.section)}` } }
        : {}),
      proposal: t?.proposal !== undefined,
      demos,
    };
  });
}
