// Terminology as data: concepts.json at the project root holds every concept the rules use and the
// codes that identify it; a site file (TERMINOLOGY_FILE) adds local codes (NLK, FEST, local) without
// a code change. This module reads, validates and merges the two; matcher.ts builds the indexes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fromRoot } from '../../paths.js';
import { buildTerminology, normaliseSystemUri } from './matcher.js';
import { EMPTY_PRODUCT_TABLE, loadProductTable, type ProductTable } from './products.js';
import type { ConceptCode, ConceptDef, ConceptKind, ConceptMatcher, Terminology, TerminologyData } from './types.js';

/** The matcher plus the product table, read through the `rxnorm` alias group's URIs. */
function withProducts(matcher: ConceptMatcher, data: TerminologyData, products: ProductTable): Terminology {
  const rxnormUris = new Set((data.systems.rxnorm ?? []).map(normaliseSystemUri));
  const expanded = new Map<string, readonly string[]>();
  return {
    ...matcher,
    productConcepts: (system, code) => {
      if (typeof system !== 'string' || typeof code !== 'string' || !rxnormUris.has(normaliseSystemUri(system))) return undefined;
      const drugs = products.conceptsOf(code);
      if (!drugs) return undefined;
      let withClasses = expanded.get(code);
      if (!withClasses) {
        const ids = new Set<string>();
        for (const id of drugs) for (const c of [id, ...(data.concepts[id]?.classes ?? [])]) ids.add(c);
        withClasses = Object.freeze([...ids]);
        expanded.set(code, withClasses);
      }
      return withClasses;
    },
  };
}

/** A.0.8: Conditions that put a patient in the myeloma rules' scope. */
export const MYELOMA_SCOPE_CONCEPTS: readonly string[] = [
  'cond:multiple-myeloma',
  'cond:smouldering-myeloma',
  'cond:mgus',
  'cond:plasma-cell-leukaemia',
  'cond:extramedullary-plasmacytoma',
  'cond:solitary-plasmacytoma-bone',
  'cond:al-amyloidosis',
];

const KINDS: ConceptKind[] = ['lab', 'observation', 'drug', 'class', 'condition', 'procedure', 'answer', 'fish'];

/** The id prefix names the kind, so a reader of a rule knows what `lab:b2m` is without a lookup. */
const KIND_OF_PREFIX: Record<string, ConceptKind> = {
  lab: 'lab',
  obs: 'observation',
  drug: 'drug',
  class: 'class',
  cond: 'condition',
  proc: 'procedure',
  answer: 'answer',
  fish: 'fish',
};

const ID_PATTERN = '^(lab|obs|drug|class|cond|proc|answer|fish):[a-z0-9][a-z0-9.-]*$';

const codeSchema = {
  type: 'object',
  required: ['system', 'code'],
  additionalProperties: false,
  properties: {
    system: { type: 'string', minLength: 1 },
    code: { type: 'string', minLength: 1 },
    prefix: { type: 'boolean' },
  },
} as const;

const displaySchema = {
  type: 'object',
  required: ['nb', 'en'],
  additionalProperties: false,
  properties: { nb: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
} as const;

const optionalConceptProperties = {
  text: { type: 'array', items: { type: 'string', minLength: 2 } },
  classes: { type: 'array', items: { type: 'string', pattern: '^class:' } },
  canonicalUnit: { type: 'string', minLength: 1 },
  molecularWeight: { type: 'number', exclusiveMinimum: 0 },
  note: { type: 'string' },
} as const;

const systemsSchema = {
  type: 'object',
  propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
  additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
} as const;

const baseSchema = {
  type: 'object',
  required: ['systems', 'concepts'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    systems: systemsSchema,
    concepts: {
      type: 'object',
      propertyNames: { pattern: ID_PATTERN },
      additionalProperties: {
        type: 'object',
        required: ['kind', 'display', 'codes'],
        additionalProperties: false,
        properties: {
          kind: { enum: KINDS },
          display: displaySchema,
          codes: { type: 'array', items: codeSchema },
          ...optionalConceptProperties,
        },
      },
    },
  },
} as const;

/** A site concept either extends an existing one (codes/text/classes) or defines a new one (kind required). */
const siteSchema = {
  type: 'object',
  required: ['concepts'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    systems: systemsSchema,
    concepts: {
      type: 'object',
      propertyNames: { pattern: ID_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { enum: KINDS },
          display: displaySchema,
          codes: { type: 'array', items: codeSchema },
          ...optionalConceptProperties,
        },
      },
    },
  },
} as const;

let validators: { base: ValidateFunction; site: ValidateFunction } | undefined;

function compiledValidators(): { base: ValidateFunction; site: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    validators = { base: ajv.compile(baseSchema), site: ajv.compile(siteSchema) };
  }
  return validators;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

function fail(what: string, problems: string[]): never {
  throw new Error(`${what} is invalid:\n  - ${problems.join('\n  - ')}`);
}

interface SiteConcept {
  kind?: ConceptKind;
  display?: { nb: string; en: string };
  codes?: ConceptCode[];
  text?: string[];
  classes?: string[];
  canonicalUnit?: string;
  molecularWeight?: number;
  note?: string;
}

interface SiteData {
  systems?: Record<string, string[]>;
  concepts: Record<string, SiteConcept>;
}

function isUri(system: string): boolean {
  return system.includes(':');
}

/**
 * Validate and merge the base data and an optional site file's data (both already parsed JSON).
 * Throws an Error listing every problem found. Exposed for tests and for tools that check a site file.
 */
export function mergeTerminologyData(base: unknown, site?: unknown, siteName = 'site terminology file'): TerminologyData {
  const { base: validateBase, site: validateSite } = compiledValidators();
  if (!validateBase(base)) fail('terminology/concepts.json', describe(validateBase.errors));
  const baseData = base as { systems: Record<string, string[]>; concepts: Record<string, Omit<ConceptDef, 'id'>> };

  const systems: Record<string, string[]> = {};
  for (const [alias, uris] of Object.entries(baseData.systems)) systems[alias] = uris.map(normaliseSystemUri);
  const concepts: Record<string, ConceptDef> = {};
  for (const [id, def] of Object.entries(baseData.concepts)) {
    concepts[id] = {
      ...def,
      id,
      codes: def.codes.map((c) => ({ ...c })),
      ...(def.text ? { text: [...def.text] } : {}),
      ...(def.classes ? { classes: [...def.classes] } : {}),
    };
  }
  const problems: string[] = [];
  checkReferences(systems, concepts, problems, false);
  if (problems.length) fail('terminology/concepts.json', problems);

  if (site !== undefined) {
    if (!validateSite(site)) fail(siteName, describe(validateSite.errors));
    mergeSite(site as SiteData, systems, concepts, problems);
    checkReferences(systems, concepts, problems, true);
    if (problems.length) fail(siteName, problems);
  }
  return { systems, concepts };
}

function mergeSite(site: SiteData, systems: Record<string, string[]>, concepts: Record<string, ConceptDef>, problems: string[]): void {
  for (const [alias, uris] of Object.entries(site.systems ?? {})) {
    const merged = systems[alias] ?? [];
    for (const uri of uris.map(normaliseSystemUri)) if (!merged.includes(uri)) merged.push(uri);
    systems[alias] = merged;
  }
  for (const [id, add] of Object.entries(site.concepts)) {
    const existing = concepts[id];
    if (existing) {
      for (const key of ['kind', 'canonicalUnit', 'molecularWeight'] as const) {
        if (add[key] !== undefined && add[key] !== existing[key]) {
          problems.push(`/concepts/${id}: ${key} of an existing concept cannot be changed by a site file`);
        }
      }
      existing.codes.push(...(add.codes ?? []).map((c) => ({ ...c })));
      if (add.text) existing.text = [...(existing.text ?? []), ...add.text];
      if (add.classes) existing.classes = [...new Set([...(existing.classes ?? []), ...add.classes])];
      if (add.display) existing.display = add.display;
      continue;
    }
    if (!add.kind) {
      problems.push(`/concepts/${id}: a new concept needs "kind"`);
      continue;
    }
    concepts[id] = {
      id,
      kind: add.kind,
      display: add.display ?? { nb: id, en: id },
      codes: (add.codes ?? []).map((c) => ({ ...c })),
      ...(add.text ? { text: add.text } : {}),
      ...(add.classes ? { classes: add.classes } : {}),
      ...(add.canonicalUnit ? { canonicalUnit: add.canonicalUnit } : {}),
      ...(add.molecularWeight ? { molecularWeight: add.molecularWeight } : {}),
      ...(add.note ? { note: add.note } : {}),
    };
  }
}

/** Cross-field checks JSON Schema cannot express: kinds vs id prefixes, systems, class references. */
function checkReferences(
  systems: Record<string, string[]>,
  concepts: Record<string, ConceptDef>,
  problems: string[],
  allowUris: boolean,
): void {
  const aliasOfUri = new Map<string, string>();
  for (const [alias, uris] of Object.entries(systems)) {
    for (const uri of uris) {
      const other = aliasOfUri.get(uri);
      if (other && other !== alias) problems.push(`/systems: ${uri} is in both "${other}" and "${alias}"`);
      aliasOfUri.set(uri, alias);
    }
  }
  for (const [id, def] of Object.entries(concepts)) {
    const prefix = id.slice(0, id.indexOf(':'));
    if (KIND_OF_PREFIX[prefix] !== def.kind) problems.push(`/concepts/${id}: kind "${def.kind}" does not fit the id prefix "${prefix}:"`);
    for (const code of def.codes) {
      if (Object.hasOwn(systems, code.system)) continue;
      if (allowUris && isUri(code.system)) {
        // A full URI of an alias group is stored under its alias key so every alias matches.
        const alias = aliasOfUri.get(normaliseSystemUri(code.system));
        code.system = alias ?? normaliseSystemUri(code.system);
        continue;
      }
      problems.push(`/concepts/${id}: unknown code system "${code.system}"`);
    }
    for (const cls of def.classes ?? []) {
      if (concepts[cls]?.kind !== 'class') problems.push(`/concepts/${id}: class "${cls}" is not a class concept`);
    }
    if (def.classes && def.kind !== 'drug') problems.push(`/concepts/${id}: only drugs have classes`);
    if (def.text && def.kind !== 'drug') problems.push(`/concepts/${id}: only drugs have a text fallback`);
    if (def.molecularWeight !== undefined && !def.canonicalUnit) problems.push(`/concepts/${id}: molecularWeight needs canonicalUnit`);
  }
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${what} could not be read (${path}): ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${what} is not valid JSON (${path}): ${(err as Error).message}`);
  }
}

/**
 * The shipped terminology: `terminology/concepts.json` plus one `concepts.<area>.json` per clinical
 * area (e.g. `concepts.cml.json`), so that the codes of one area are reviewed in one file. The area
 * files add concepts and systems; they may not redefine a concept or an alias another file holds.
 */
function readBaseFiles(dir: string): unknown {
  const main = readJson(join(dir, 'concepts.json'), 'terminology/concepts.json') as {
    systems?: Record<string, string[]>;
    concepts?: Record<string, unknown>;
  };
  const areaFiles = readdirSync(dir)
    .filter((f) => /^concepts\.[a-z0-9-]+\.json$/.test(f))
    .sort();
  if (!main.systems || !main.concepts) return main;
  const systems = { ...main.systems };
  const concepts = { ...main.concepts };
  const problems: string[] = [];
  for (const file of areaFiles) {
    const area = readJson(join(dir, file), `terminology/${file}`) as { systems?: Record<string, string[]>; concepts?: Record<string, unknown> };
    for (const [alias, uris] of Object.entries(area.systems ?? {})) {
      if (systems[alias]) problems.push(`terminology/${file}: system alias "${alias}" is already defined`);
      else systems[alias] = uris;
    }
    for (const [id, def] of Object.entries(area.concepts ?? {})) {
      if (concepts[id]) problems.push(`terminology/${file}: concept "${id}" is already defined`);
      else concepts[id] = def;
    }
  }
  if (problems.length) fail('terminology', problems);
  return { ...main, systems, concepts };
}

/** Build a Terminology from already parsed data (tests, tools). */
export function terminologyFromData(base: unknown, site?: unknown, products: ProductTable = EMPTY_PRODUCT_TABLE): Terminology {
  const data = mergeTerminologyData(base, site);
  return withProducts(buildTerminology(data), data, products);
}

/**
 * Read terminology/concepts.json and, when given, the site file (TERMINOLOGY_FILE), validate both
 * and build the lookup indexes. Call once at startup; throws a descriptive Error on any problem.
 */
export function loadTerminology(siteFile?: string, dir: string = fromRoot('terminology')): Terminology {
  const base = readBaseFiles(dir);
  const site = siteFile ? readJson(siteFile, 'site terminology file') : undefined;
  const data = mergeTerminologyData(base, site, `site terminology file ${siteFile ?? ''}`.trim());
  const products = loadProductTable(dir, (id) => data.concepts[id]?.kind === 'drug');
  return withProducts(buildTerminology(data), data, products);
}
