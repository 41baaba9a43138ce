import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../paths.js';
import { loadTerminology } from '../clinical/terminology/concepts.js';
import { normaliseSystemUri } from '../clinical/terminology/matcher.js';
import type { Terminology } from '../clinical/terminology/types.js';

// What a site code file (TERMINOLOGY_FILE) adds to the shipped terminology, in words a terminologist
// can check: the service itself only says whether the file is valid.

interface SiteCode {
  system: string;
  code: string;
}

interface SiteConcept {
  kind?: string;
  display?: { nb: string; en: string };
  codes?: SiteCode[];
  text?: string[];
  classes?: string[];
}

export interface TerminologyCheck {
  ok: boolean;
  /** The validation error, when not ok. */
  error?: string;
  /** One line per addition. */
  additions: string[];
  /** Codes that also mean another concept, codes already there: valid but worth a look. */
  warnings: string[];
}

export function checkSiteFile(file: string, baseDir?: string): TerminologyCheck {
  let merged: Terminology;
  try {
    merged = loadTerminology(file, ...(baseDir ? [baseDir] : []));
  } catch (err) {
    return { ok: false, error: (err as Error).message, additions: [], warnings: [] };
  }
  const base = loadTerminology(undefined, ...(baseDir ? [baseDir] : []));
  const site = JSON.parse(readFileSync(file, 'utf8')) as { systems?: Record<string, string[]>; concepts: Record<string, SiteConcept> };
  const additions: string[] = [];
  const warnings: string[] = [];
  const baseSystems = (JSON.parse(readFileSync(join(baseDir ?? fromRoot('terminology'), 'concepts.json'), 'utf8')) as { systems: Record<string, string[]> }).systems;
  // A coding as an EHR sends it: the alias's first URI.
  const uriOf = (system: string) => site.systems?.[system]?.[0] ?? baseSystems[system]?.[0] ?? system;

  for (const [alias, uris] of Object.entries(site.systems ?? {})) {
    additions.push(`system ${alias}: ${uris.map(normaliseSystemUri).join(', ')}`);
  }
  for (const [id, add] of Object.entries(site.concepts)) {
    const existing = base.concept(id);
    const label = `${id} (${merged.display(id, 'en')})`;
    const parts: string[] = [];
    for (const c of add.codes ?? []) {
      const before = base.matchCoding(uriOf(c.system), c.code);
      const after = merged.matchCoding(uriOf(c.system), c.code);
      if (before.includes(id)) warnings.push(`${id}: ${c.system}|${c.code} is already one of its codes`);
      const others = after.filter((other) => other !== id && !other.startsWith('class:') && merged.concept(other)?.kind !== 'class');
      if (others.length) warnings.push(`${id}: ${c.system}|${c.code} also means ${others.join(', ')}`);
      parts.push(`code ${c.system}|${c.code}`);
    }
    for (const t of add.text ?? []) parts.push(`name "${t}"`);
    for (const cls of add.classes ?? []) parts.push(`class ${cls}`);
    if (add.display && existing) parts.push(`display "${add.display.en}" / "${add.display.nb}"`);
    additions.push(existing ? `extends ${label}: + ${parts.join(', + ') || 'nothing'}` : `new ${add.kind ?? ''} concept ${label}: ${parts.join(', ') || 'no codes'}`);
  }
  return { ok: true, additions, warnings };
}
