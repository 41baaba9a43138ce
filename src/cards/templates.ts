import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { Ajv } from 'ajv';
import type { SchemaObject } from 'ajv';
import type { FindingOutcome, Indicator, Locale } from '../clinical/types.js';
import { fromRoot } from '../paths.js';
import { citationAnchor, type CitationAnchor } from './anchors.js';
import type { ActionType, FhirResourceJson } from './types.js';

// Card texts are data (cards/<rule id>.json, format in cards/README.md) so that clinicians can
// review and correct wording without reading code. They are loaded and checked once at start-up:
// a broken card file stops the service rather than producing a broken card in front of a clinician.

export const LOCALES: readonly Locale[] = ['nb', 'en'];

export type LocalizedText = Record<Locale, string>;

export interface Citation {
  /** Key of the document in sources/index.json (e.g. `003`). */
  document: string;
  /** Section heading exactly as printed in the seed (one line of it), used for the label and the anchor. */
  section: string;
  /** Verbatim seed text; several fragments are joined with " … ". */
  quote: string;
  /** Set at load: the anchor that opens the section holding the quote (src/cards/anchors.ts). */
  anchor?: string;
  /** Set at load: the seed line the anchor sits on. */
  line?: number;
}

export interface VariantTemplate {
  summary: LocalizedText;
  detail?: LocalizedText;
}

export interface OutcomeTemplate {
  indicator: Indicator;
  variants: Record<string, VariantTemplate>;
}

export interface ActionTemplate {
  type: ActionType;
  description: LocalizedText;
  /** FHIR R4 resource with `{placeholders}` in its string values. */
  resource?: FhirResourceJson;
}

export interface SuggestionTemplate {
  label: LocalizedText;
  isRecommended?: boolean;
  action: ActionTemplate;
}

export interface OverrideReasonTemplate {
  code: string;
  system: string;
  display: LocalizedText;
}

export interface CardTemplate {
  ruleId: string;
  title: LocalizedText;
  /** Absent only for service cards that cite no seed (e.g. `service.data-unavailable`). */
  citation?: Citation;
  /** Readings beyond the seed, shown in the detail marked as a proposal. */
  proposal?: LocalizedText;
  outcomes: Partial<Record<FindingOutcome, OutcomeTemplate>>;
  criteria?: Record<string, LocalizedText>;
  /** Labels for value keys that are not terminology concepts (e.g. `diagnosis`). */
  labels?: Record<string, LocalizedText>;
  suggestions?: Record<string, SuggestionTemplate>;
  overrideReasons?: OverrideReasonTemplate[];
  /** Folder the file sits in (`cards/<area>/`): the clinical area, which groups cards on the sidebar. */
  area?: string;
}

export interface SourceDocument {
  /** Seed file in sources/. */
  file?: string;
  short: LocalizedText;
  title?: LocalizedText;
}

export interface CardTemplates {
  /** The template of a rule (or service card) id. */
  get(ruleId: string): CardTemplate | undefined;
  /** Every template, sorted by rule id. */
  all(): CardTemplate[];
  /** Cited documents by key (sources/index.json). */
  documents: Readonly<Record<string, SourceDocument>>;
}

const localizedText = {
  type: 'object',
  required: ['nb', 'en'],
  additionalProperties: false,
  properties: { nb: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
};

const textMap = { type: 'object', minProperties: 1, additionalProperties: localizedText };

const variant = {
  type: 'object',
  required: ['summary'],
  additionalProperties: false,
  properties: { summary: localizedText, detail: localizedText },
};

const outcome = {
  type: 'object',
  required: ['indicator', 'variants'],
  additionalProperties: false,
  properties: {
    indicator: { enum: ['info', 'warning', 'critical'] },
    variants: { type: 'object', minProperties: 1, additionalProperties: variant },
  },
};

const CARD_TEMPLATE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['ruleId', 'title', 'outcomes'],
  additionalProperties: false,
  properties: {
    ruleId: { type: 'string', pattern: '^[a-z0-9]+([.-][a-z0-9]+)*$' },
    title: localizedText,
    citation: {
      type: 'object',
      required: ['document', 'section', 'quote'],
      additionalProperties: false,
      properties: {
        document: { type: 'string', minLength: 1 },
        section: { type: 'string', minLength: 1 },
        quote: { type: 'string', minLength: 1 },
      },
    },
    proposal: localizedText,
    outcomes: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: { fired: outcome, 'not-evaluable': outcome },
    },
    criteria: textMap,
    labels: textMap,
    suggestions: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        required: ['label', 'action'],
        additionalProperties: false,
        properties: {
          label: localizedText,
          isRecommended: { type: 'boolean' },
          action: {
            type: 'object',
            required: ['type', 'description'],
            additionalProperties: false,
            properties: {
              type: { enum: ['create', 'update', 'delete'] },
              description: localizedText,
              resource: {
                type: 'object',
                required: ['resourceType'],
                properties: { resourceType: { type: 'string', pattern: '^[A-Z][A-Za-z]+$' } },
              },
            },
          },
        },
      },
    },
    overrideReasons: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['code', 'system', 'display'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.-]*$' },
          system: { type: 'string', minLength: 1 },
          display: localizedText,
        },
      },
    },
  },
};

const SOURCE_INDEX_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['short'],
    properties: { short: localizedText, title: localizedText },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validateCardTemplate = ajv.compile(CARD_TEMPLATE_SCHEMA);
const validateSourceIndex = ajv.compile(SOURCE_INDEX_SCHEMA);

/** `{name}`: a letter, then letters and digits. Anything else in braces is a typo. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
/** Raw HTML would be rendered as such by some clients (the sandbox uses rehype-raw). */
const RAW_HTML = /<\/?[A-Za-z!?]/;

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

function checkText(text: string, where: string, problems: string[]): void {
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{') || rest.includes('}')) problems.push(`${where}: malformed placeholder (use {name})`);
  if (RAW_HTML.test(text)) problems.push(`${where}: raw HTML is not allowed`);
}

function checkLocalized(text: LocalizedText, where: string, problems: string[]): void {
  for (const locale of LOCALES) checkText(text[locale], `${where}.${locale}`, problems);
  const nb = [...new Set(placeholdersIn(text.nb))].sort().join(',');
  const en = [...new Set(placeholdersIn(text.en))].sort().join(',');
  if (nb !== en) problems.push(`${where}: nb and en use different placeholders ({${nb}} vs {${en}})`);
}

/** A string of a suggested resource given in both languages (`{ "nb": …, "en": … }`). */
export function isLocalizedResourceText(value: unknown): value is LocalizedText {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === 'en' && keys[1] === 'nb' && Object.values(value).every((v) => typeof v === 'string');
}

/** Resource templates must already be conformant JSON: no null, "", [] or {} anywhere. */
function checkResource(value: unknown, where: string, problems: string[]): void {
  if (value === null) problems.push(`${where}: null`);
  else if (typeof value === 'string') {
    if (value === '') problems.push(`${where}: empty string`);
    checkText(value, where, problems);
  } else if (Array.isArray(value)) {
    if (value.length === 0) problems.push(`${where}: empty array`);
    value.forEach((v, i) => checkResource(v, `${where}[${i}]`, problems));
  } else if (isLocalizedResourceText(value)) {
    // A text of the created resource in both languages: the card's language is filled in.
    checkLocalized(value, where, problems);
    if (value.nb === '' || value.en === '') problems.push(`${where}: empty string`);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) problems.push(`${where}: empty object`);
    for (const [k, v] of entries) checkResource(v, `${where}.${k}`, problems);
  }
}

function checkTemplate(t: CardTemplate, file: string, documents: Record<string, SourceDocument>, problems: string[]): void {
  const at = (path: string): string => `${file}: ${path}`;
  const expectedId = basename(file, '.json');
  if (t.ruleId !== expectedId) problems.push(at(`ruleId "${t.ruleId}" must equal the file name "${expectedId}"`));

  checkLocalized(t.title, at('title'), problems);
  if (t.proposal) checkLocalized(t.proposal, at('proposal'), problems);
  if (t.citation) {
    checkText(t.citation.quote, at('citation.quote'), problems);
    if (!documents[t.citation.document]) {
      problems.push(at(`citation.document "${t.citation.document}" is not in sources/index.json`));
    }
  }
  for (const [name, o] of Object.entries(t.outcomes)) {
    for (const [key, v] of Object.entries(o.variants)) {
      checkLocalized(v.summary, at(`outcomes.${name}.variants.${key}.summary`), problems);
      if (v.detail) checkLocalized(v.detail, at(`outcomes.${name}.variants.${key}.detail`), problems);
    }
  }
  for (const [key, text] of Object.entries(t.criteria ?? {})) checkLocalized(text, at(`criteria.${key}`), problems);
  for (const [key, text] of Object.entries(t.labels ?? {})) checkLocalized(text, at(`labels.${key}`), problems);
  for (const [key, s] of Object.entries(t.suggestions ?? {})) {
    checkLocalized(s.label, at(`suggestions.${key}.label`), problems);
    checkLocalized(s.action.description, at(`suggestions.${key}.action.description`), problems);
    const { type, resource } = s.action;
    if ((type === 'create' || type === 'update') && !resource) {
      problems.push(at(`suggestions.${key}.action: a ${type} action needs a resource`));
    }
    if (type === 'delete' && resource) {
      problems.push(at(`suggestions.${key}.action: a delete action takes the draft as resourceId, not a resource`));
    }
    if (resource) checkResource(resource, at(`suggestions.${key}.action.resource`), problems);
  }
  const codes = new Set<string>();
  (t.overrideReasons ?? []).forEach((r, i) => {
    checkLocalized(r.display, at(`overrideReasons[${i}].display`), problems);
    if (codes.has(r.code)) problems.push(at(`overrideReasons[${i}]: duplicate code "${r.code}"`));
    codes.add(r.code);
  });
}

function readJson(path: string, problems: string[], label: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    problems.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function loadSourceDocuments(path: string, problems: string[]): Record<string, SourceDocument> {
  const data = readJson(path, problems, 'sources/index.json');
  if (data === undefined) return {};
  if (!validateSourceIndex(data)) {
    for (const e of validateSourceIndex.errors ?? []) problems.push(`sources/index.json: ${e.instancePath || '/'} ${e.message ?? ''}`);
    return {};
  }
  return data as Record<string, SourceDocument>;
}

/**
 * Reads and checks every `*.json` in `dir`. Throws one Error listing every problem found, so a
 * reviewer fixes a broken file in one pass.
 */
export function loadCardTemplates(
  dir: string = fromRoot('cards'),
  sourceIndexPath: string = fromRoot('sources', 'index.json'),
): CardTemplates {
  const problems: string[] = [];
  const documents = loadSourceDocuments(sourceIndexPath, problems);
  const rules = new Map<string, CardTemplate>();

  let files: string[] = [];
  try {
    // One folder per clinical area (cards/<area>/<rule id>.json), as the rules are laid out.
    files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    problems.push(`${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (files.length === 0 && problems.length === 0) problems.push(`${dir}: no card templates found`);

  for (const file of files) {
    const data = readJson(join(dir, file), problems, file);
    if (data === undefined) continue;
    if (!validateCardTemplate(data)) {
      for (const e of validateCardTemplate.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
        problems.push(`${file}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`);
      }
      continue;
    }
    const template = data as CardTemplate;
    checkTemplate(template, file, documents, problems);
    const folder = dirname(file);
    if (folder !== '.') template.area = folder.split(sep)[0];
    rules.set(template.ruleId, template);
  }

  const seeds = new Map<string, string>();
  for (const t of rules.values()) {
    const c = t.citation;
    const file = c ? documents[c.document]?.file : undefined;
    if (!c || !file) continue;
    if (!seeds.has(file)) {
      try {
        seeds.set(file, readFileSync(join(dirname(sourceIndexPath), file), 'utf8'));
      } catch (err) {
        problems.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
        seeds.set(file, '');
      }
    }
    const anchor = citationAnchor(seeds.get(file) ?? '', c.section, c.quote);
    if (!anchor) problems.push(`${t.ruleId}: section "${c.section}" is not a line of ${file}`);
    else Object.assign(c, { anchor: anchor.id, line: anchor.line });
  }

  if (problems.length > 0) {
    throw new Error(`Invalid card templates (${problems.length} problem(s)):\n- ${problems.join('\n- ')}`);
  }
  const sorted = [...rules.values()];
  return { get: (ruleId) => rules.get(ruleId), all: () => [...sorted], documents };
}

/** Localised rule title, or the rule id when no template exists. */
export function ruleTitle(templates: CardTemplates, ruleId: string, locale: Locale): string {
  return templates.get(ruleId)?.title[locale] ?? ruleId;
}

/** Anchors per document (one per cited section and printing), for the /sources pages. */
export function citedAnchors(templates: CardTemplates): Map<string, CitationAnchor[]> {
  const out = new Map<string, CitationAnchor[]>();
  for (const t of templates.all()) {
    const c = t.citation;
    if (!c?.anchor || c.line === undefined) continue;
    const list = out.get(c.document) ?? [];
    if (!list.some((a) => a.id === c.anchor)) list.push({ id: c.anchor, line: c.line });
    out.set(c.document, list);
  }
  return out;
}

/** Sections cited per document. */
export function citedSections(templates: CardTemplates): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of templates.all()) {
    if (!t.citation) continue;
    const list = out.get(t.citation.document) ?? [];
    if (!list.includes(t.citation.section)) list.push(t.citation.section);
    out.set(t.citation.document, list);
  }
  return out;
}
