import { randomUUID } from 'node:crypto';
import type {
  DataDomain,
  Finding,
  FindingOutcome,
  Hook,
  Indicator,
  Locale,
  SuggestionRequest,
  UsedValue,
} from '../clinical/types.js';
import { isLocalizedResourceText, type CardTemplate, type CardTemplates, type LocalizedText, type OutcomeTemplate } from './templates.js';
import { clinicalDate } from '../clinical/day.js';
import type { Terminology } from '../clinical/terminology/types.js';
import { sectionSlug } from './anchors.js';
import type { Action, Card, Coding, FhirResourceJson, Source, Suggestion } from './types.js';
import { itemKey as itemKeyOf, planCards, planCodes, suggestionItem, topicCode, type CardGroup, type CardPlan, type MergedPlan, type MergeOptions } from './merge.js';

// Findings -> CDS Hooks cards. No clinical logic here: the rule decided, the card file words it.
// Output follows CDS Hooks 2.0 to the letter: summary < 140 characters, no null / "" / [] / {},
// one action per suggestion (Epic applies only one), selectionBehavior `any`, fresh uuids.

export const MAX_SUMMARY_LENGTH = 139;
export const RULE_TOPIC_SYSTEM = 'urn:heme-cds:rule';
/** Label for cards that cite no seed document. */
export const SERVICE_SOURCE_LABEL = 'heme-cds';

export interface RenderOptions {
  templates: CardTemplates;
  locale: Locale;
  hook: Hook;
  patientId: string;
  /** Base of the seed pages, e.g. `http://127.0.0.1:8080/sources`. */
  sourceBaseUrl: string;
  displayOf: (conceptId: string, locale: Locale) => string;
  /** Overrides the template titles in `source.topic.display`. */
  ruleTitles?: Record<string, string>;
  /** Sidebar economy (patient-view): merge info cards as src/cards/merge.ts says. */
  merge?: MergeOptions;
}

/** Extension key of a merged card: every rule code it stands for (contract item 9). */
export const MERGED_RULES_EXTENSION = 'urn:heme-cds:rules';

const SEVERITY: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };

const DOMAIN_LABELS: Record<DataDomain, LocalizedText> = {
  patient: { nb: 'pasientopplysninger', en: 'patient details' },
  conditions: { nb: 'diagnoser', en: 'conditions' },
  observations: { nb: 'prøvesvar og observasjoner', en: 'lab results and observations' },
  medicationRequests: { nb: 'legemiddelforordninger', en: 'medication orders' },
  medicationAdministrations: { nb: 'legemiddeladministrasjoner', en: 'medication administrations' },
  medicationStatements: { nb: 'legemiddellisten', en: 'medication list' },
  procedures: { nb: 'prosedyrer', en: 'procedures' },
  serviceRequests: { nb: 'rekvisisjoner', en: 'service requests' },
  immunizations: { nb: 'vaksinasjoner', en: 'immunizations' },
};

const UI: Record<Locale, Record<'valuesUsed' | 'criteriaMet' | 'criteriaNotMet' | 'missing' | 'proposal' | 'source' | 'matchedByName', string>> = {
  nb: {
    matchedByName: 'Gjenkjent på navn, ikke kode: legemiddelkoden er ukjent for tjenesten, så virkestoffet ble lest av navnet. Kontroller at dette er legemidlet som er ment',
    valuesUsed: 'Verdier brukt',
    criteriaMet: 'Kriterier oppfylt',
    criteriaNotMet: 'Kriterier ikke oppfylt',
    missing: 'Mangler',
    proposal: 'Forslag (ikke fra kilden, til faglig godkjenning)',
    source: 'Kilde',
  },
  en: {
    matchedByName: 'Matched by name, not code: the drug code is unknown to the service, so the ingredient was read from the name. Check that this is the drug meant',
    valuesUsed: 'Values used',
    criteriaMet: 'Criteria met',
    criteriaNotMet: 'Criteria not met',
    missing: 'Missing',
    proposal: 'Proposal (not from the source, for clinical sign-off)',
    source: 'Source',
  },
};

/** A record value shortened to fit the summary keeps at least this many characters. */
const MIN_SHORTENED_VALUE = 16;

/** Shown for a placeholder the finding did not fill; tests make sure no template needs it. */
const UNFILLED = '?';

export { sectionSlug } from './anchors.js';

/** At most two decimals, no trailing zeros, decimal comma in Norwegian; no grouping (lab values). */
export function formatNumber(value: number, locale: Locale): string {
  if (!Number.isFinite(value)) return String(value);
  // The nudge keeps 3.495 from rounding down through its binary representation.
  const rounded = Math.round(value * 100 + (value >= 0 ? 1e-9 : -1e-9)) / 100;
  const text = (Object.is(rounded, -0) ? 0 : rounded).toFixed(2).replace(/\.?0+$/, '');
  return locale === 'nb' ? text.replace('.', ',') : text;
}

/** YYYY-MM-DD, the clinical calendar day (CDS_TIME_ZONE); undefined for an invalid date. */
export function formatDate(date: Date): string | undefined {
  return Number.isFinite(date.getTime()) ? clinicalDate(date) : undefined;
}

/** Shortens to at most `max` UTF-16 units without splitting a character, ending with an ellipsis. */
export function truncateSummary(text: string, max: number = MAX_SUMMARY_LENGTH): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return out.trimEnd() + '…';
}

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };

/**
 * A UCUM code as people write it in a card (issue 12 §3): `umol/L` → `µmol/L`,
 * `mL/min/{1.73_m2}` → `mL/min/1.73 m²`, `10*9/L` → `×10⁹/L`, `mg/(24.h)` → `mg/24 h`, `[IU]/mL` → `IU/mL`.
 */
export function displayUnit(ucum: string): string {
  return ucum
    .replace(/\{1\.73_m2\}/g, '1.73 m²')
    .replace(/\{([^}]*)\}/g, '')
    .replace(/\((\d+)\.h\)/g, '$1 h')
    .replace(/\[([A-Za-z]+)\]/g, '$1')
    .replace(/10\*(-?\d+)/g, (_m, exp: string) => `×10${[...exp].map((c) => SUPERSCRIPT[c] ?? c).join('')}`)
    .replace(/(^|[/.(])u(?=(g|mol|L|kat|m)\b)/g, '$1µ')
    .replace(/m2\b/g, 'm²')
    .trim();
}

/**
 * Shortens a value for the summary without cutting a name: a list ("A, B, C") loses whole items
 * from its end ("A, B +1"); a single value loses whole words ("Zoledronsyre 4 mg…").
 */
export function shortenWhole(value: string, max: number): string {
  if (value.length <= max) return value;
  const items = value.split(', ');
  if (items.length > 1) {
    for (let n = items.length - 1; n >= 1; n--) {
      const text = `${items.slice(0, n).join(', ')} +${items.length - n}`;
      if (text.length <= max) return text;
    }
    return `${shortenWhole(items[0] as string, max - ` +${items.length - 1}`.length)} +${items.length - 1}`;
  }
  return truncateAtWord(value, max);
}

/** Like truncateSummary, but at a word boundary when there is one. */
export function truncateAtWord(text: string, max: number = MAX_SUMMARY_LENGTH): string {
  if (text.length <= max) return text;
  const cut = truncateSummary(text, max);
  const head = cut.slice(0, -1);
  const space = head.lastIndexOf(' ');
  return space > 0 && text[head.length] !== ' ' ? `${head.slice(0, space).replace(/[\s,;:]+$/, '')}…` : cut;
}

/** A datum named inside a sentence: "missing serum M-protein", not "missing Serum M-protein" (acronyms kept). */
export function inSentence(name: string): string {
  return /^[A-ZÆØÅ][a-zæøå]/.test(name) ? name.charAt(0).toLocaleLowerCase() + name.slice(1) : name;
}

/** Data from the record (drug names, displays) must not turn into markdown or HTML in the detail. */
function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|~#]/g, '\\$&');
}

function isDataDomain(id: string): id is DataDomain {
  return Object.prototype.hasOwnProperty.call(DOMAIN_LABELS, id);
}

/**
 * How cards name a concept id: `domain:<domain>` (a kind of record that could not be had),
 * `rule:<rule id>` (a check, by its card title), anything else by the terminology. The protocol layer
 * and the tests use this one function, so a datum reads the same in every card.
 */
export function createDisplayOf(templates: CardTemplates, terminology: Pick<Terminology, 'display'>): RenderOptions['displayOf'] {
  return (id, locale) => {
    if (id.startsWith('domain:')) {
      const domain = id.slice('domain:'.length);
      return isDataDomain(domain) ? DOMAIN_LABELS[domain][locale] : domain;
    }
    if (id.startsWith('rule:')) return templates.get(id.slice('rule:'.length))?.title[locale] ?? id.slice('rule:'.length);
    return terminology.display(id, locale);
  };
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function valueKey(v: UsedValue): string {
  return JSON.stringify([v.concept, v.value, v.unit, v.date?.getTime(), v.source?.resourceType, v.source?.id]);
}

function suggestionKey(s: SuggestionRequest): string {
  const params = Object.entries(s.params ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([s.template, params, s.targetRef]);
}

type Group = CardGroup;

function mergeFindings(a: Finding, b: Finding): Finding {
  const merged: Finding = {
    ...a,
    params: { ...b.params, ...a.params },
    values: uniqueBy([...a.values, ...b.values], valueKey),
    missing: [...new Set([...a.missing, ...b.missing])],
  };
  const met = [...new Set([...(a.criteriaMet ?? []), ...(b.criteriaMet ?? [])])];
  const notMet = [...new Set([...(a.criteriaNotMet ?? []), ...(b.criteriaNotMet ?? [])])];
  const suggestions = uniqueBy([...(a.suggestions ?? []), ...(b.suggestions ?? [])], suggestionKey);
  const byName = [...new Set([...(a.matchedByName ?? []), ...(b.matchedByName ?? [])])];
  if (byName.length > 0) merged.matchedByName = byName;
  if (met.length > 0) merged.criteriaMet = met;
  if (notMet.length > 0) merged.criteriaNotMet = notMet;
  if (suggestions.length > 0) merged.suggestions = suggestions;
  return merged;
}

function outcomeTemplate(template: CardTemplate, outcome: FindingOutcome): OutcomeTemplate {
  const o = template.outcomes[outcome];
  if (!o) throw new Error(`card template ${template.ruleId} has no outcome "${outcome}"`);
  return o;
}

/** One group per (rule, outcome, subject), in first-seen order. */
function groupFindings(findings: Finding[], templates: CardTemplates): Group[] {
  const groups = new Map<string, Group>();
  for (const finding of findings) {
    const template = templates.get(finding.ruleId);
    if (!template) throw new Error(`no card template for rule ${finding.ruleId}`);
    const outcome = outcomeTemplate(template, finding.outcome);
    const indicator = finding.indicator ?? outcome.indicator;
    const key = JSON.stringify([finding.ruleId, finding.outcome, finding.subject]);
    const existing = groups.get(key);
    if (!existing) {
      groups.set(key, { finding, indicator, template, outcome });
      continue;
    }
    existing.finding = mergeFindings(existing.finding, finding);
    if (SEVERITY[indicator] < SEVERITY[existing.indicator]) existing.indicator = indicator;
  }
  return [...groups.values()];
}

class CardRenderer {
  constructor(
    private readonly opts: RenderOptions,
    private readonly template: CardTemplate,
    private readonly finding: Finding,
    /** Fills `{missing}` when every missing datum is asked for on another card. */
    private readonly missingElsewhere?: string,
  ) {}

  private get locale(): Locale {
    return this.opts.locale;
  }

  private label(conceptOrKey: string): string {
    const local = this.template.labels?.[conceptOrKey]?.[this.locale];
    if (local) return local;
    const domain = conceptOrKey.startsWith('domain:') ? conceptOrKey.slice('domain:'.length) : conceptOrKey;
    if (isDataDomain(domain)) return DOMAIN_LABELS[domain][this.locale];
    return this.opts.displayOf(conceptOrKey, this.locale);
  }

  /** How this card names a datum (its own label, else the terminology). */
  labelOf(conceptOrKey: string): string {
    return this.label(conceptOrKey);
  }

  private missingList(): string {
    return this.finding.missing.map((m) => inSentence(this.label(m))).join(', ');
  }

  /** Fills `{name}` from the finding params (numbers in the card locale) and `{missing}`. */
  fill(text: string, markdown: boolean, extra: Record<string, string | number> = {}): string {
    const params: Record<string, string | number> = { ...this.finding.params, ...extra };
    return text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_m, name: string) => {
      let value: string;
      const raw = params[name];
      if (raw !== undefined) value = typeof raw === 'number' ? formatNumber(raw, this.locale) : raw;
      else if (name === 'missing') value = this.missingList() || this.missingElsewhere || '';
      else value = UNFILLED;
      return markdown ? escapeMarkdown(value) : value;
    });
  }

  private text(t: LocalizedText, markdown: boolean, extra?: Record<string, string | number>): string {
    return this.fill(t[this.locale], markdown, extra);
  }

  /**
   * Fills the summary; when record text makes it too long, the longest text values are shortened
   * first (so the advice itself stays whole), and only then the sentence.
   */
  summary(variantText: LocalizedText): string {
    const template = variantText[this.locale];
    const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
    const overrides: Record<string, string> = {};
    let text = clean(this.fill(template, false));
    const shortenable = [...new Set([...template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1] as string))]
      .map((name) => {
        const raw = this.finding.params[name];
        const value = typeof raw === 'string' ? raw : raw === undefined && name === 'missing' ? this.missingList() || this.missingElsewhere : undefined;
        return value === undefined ? undefined : { name, value: clean(value) };
      })
      .filter((p): p is { name: string; value: string } => p !== undefined)
      .sort((a, b) => b.value.length - a.value.length);
    for (const p of shortenable) {
      if (text.length <= MAX_SUMMARY_LENGTH) break;
      const target = Math.max(MIN_SHORTENED_VALUE, p.value.length - (text.length - MAX_SUMMARY_LENGTH));
      overrides[p.name] = shortenWhole(p.value, target);
      text = clean(this.fill(template, false, overrides));
    }
    return truncateAtWord(text);
  }

  private valueLine(v: UsedValue): string {
    const value = typeof v.value === 'number' ? formatNumber(v.value, this.locale) : escapeMarkdown(v.value);
    const notes: string[] = [];
    const date = v.date ? formatDate(v.date) : undefined;
    if (date) notes.push(date);
    if (v.source) notes.push(escapeMarkdown(v.source.id ? `${v.source.resourceType}/${v.source.id}` : v.source.resourceType));
    const shown = v.unit ? displayUnit(v.unit) : '';
    const unit = shown ? ` ${escapeMarkdown(shown)}` : '';
    return `- ${escapeMarkdown(this.label(v.concept))}: ${value}${unit}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
  }

  private criteriaLines(keys: string[] | undefined): string[] {
    return (keys ?? []).map((k) => {
      const text = this.template.criteria?.[k];
      return `- ${text ? this.text(text, true) : escapeMarkdown(k)}`;
    });
  }

  detail(variantDetail: LocalizedText | undefined): string {
    const ui = UI[this.locale];
    const blocks: string[] = [];
    if (variantDetail) blocks.push(this.text(variantDetail, true));
    if (this.finding.values.length > 0) {
      blocks.push([`**${ui.valuesUsed}:**`, '', ...this.finding.values.map((v) => this.valueLine(v))].join('\n'));
    }
    const met = this.criteriaLines(this.finding.criteriaMet);
    if (met.length > 0) blocks.push([`**${ui.criteriaMet}:**`, '', ...met].join('\n'));
    const notMet = this.criteriaLines(this.finding.criteriaNotMet);
    if (notMet.length > 0) blocks.push([`**${ui.criteriaNotMet}:**`, '', ...notMet].join('\n'));
    if (this.finding.outcome === 'not-evaluable' && this.finding.missing.length > 0) {
      blocks.push(`**${ui.missing}:** ${escapeMarkdown(this.missingList())}`);
    }
    if (this.finding.matchedByName?.length) {
      blocks.push(`**${ui.matchedByName}:** ${this.finding.matchedByName.map((d) => `«${escapeMarkdown(d)}»`).join(', ')}`);
    }
    if (this.template.proposal) blocks.push(`**${ui.proposal}:** ${this.text(this.template.proposal, true)}`);
    const citation = this.template.citation;
    if (citation) {
      const doc = this.opts.templates.documents[citation.document]?.short[this.locale] ?? citation.document;
      blocks.push(`**${ui.source}:** ${doc}, «${citation.section}»\n\n> «${citation.quote}»`);
    }
    return blocks.join('\n\n');
  }

  source(topicCode: string, title: string): Source {
    const topic: Coding = { system: RULE_TOPIC_SYSTEM, code: topicCode, display: title };
    const citation = this.template.citation;
    const base = this.opts.sourceBaseUrl.replace(/\/+$/, '');
    if (!citation) return { label: SERVICE_SOURCE_LABEL, url: `${base}#service`, topic };
    const doc = this.opts.templates.documents[citation.document]?.short[this.locale] ?? citation.document;
    return {
      label: `${doc}: ${citation.section}`,
      url: `${base}/${encodeURIComponent(citation.document)}#${citation.anchor ?? sectionSlug(citation.section)}`,
      topic,
    };
  }

  /** Deep copy with every `{name}` in string values filled verbatim (no locale formatting in FHIR data). */
  private fillResource(value: unknown, params: Record<string, string>): unknown {
    if (typeof value === 'string') {
      return value.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_m, name: string) => params[name] ?? UNFILLED);
    }
    if (Array.isArray(value)) return value.map((v) => this.fillResource(v, params));
    if (isLocalizedResourceText(value)) return this.fillResource(value[this.locale], params);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.fillResource(v, params);
      return out;
    }
    return value;
  }

  suggestion(request: SuggestionRequest): Suggestion | undefined {
    const st = this.template.suggestions?.[request.template];
    // A rule asking for a suggestion its card file lacks still gets its card; rule tests render
    // every suggestion they request, so this only guards a half-deployed card file.
    if (!st) return undefined;

    const extra: Record<string, string> = { ...(request.params ?? {}) };
    if (request.params?.concept) extra.conceptDisplay = this.opts.displayOf(request.params.concept, this.locale);
    const action: Action = { type: st.action.type, description: this.text(st.action.description, false, extra) };

    if (st.action.type === 'delete') {
      if (!request.targetRef) return undefined;
      action.resourceId = request.targetRef;
    } else if (st.action.resource) {
      const resourceParams: Record<string, string> = { patientId: this.opts.patientId };
      for (const [k, v] of Object.entries(this.finding.params)) resourceParams[k] = String(v);
      Object.assign(resourceParams, extra);
      const resource = this.fillResource(st.action.resource, resourceParams) as FhirResourceJson;
      if (st.action.type === 'update' && request.targetRef) {
        const id = request.targetRef.split('/')[1];
        if (id) resource.id = id;
      }
      action.resource = resource;
    }

    // "Order serum albumin": a datum inside the label is named as in running text.
    const labelExtra = extra.conceptDisplay ? { ...extra, conceptDisplay: inSentence(extra.conceptDisplay) } : extra;
    const suggestion: Suggestion = { label: this.text(st.label, false, labelExtra), uuid: randomUUID() };
    if (st.isRecommended !== undefined) suggestion.isRecommended = st.isRecommended;
    suggestion.actions = [action];
    return suggestion;
  }

  overrideReasons(): Coding[] {
    return (this.template.overrideReasons ?? []).map((r) => ({ code: r.code, system: r.system, display: r.display[this.locale] }));
  }
}

function renderGroup(group: Group, opts: RenderOptions): Card {
  const { finding, template, outcome, indicator } = group;
  const variant = outcome.variants[finding.variant] ?? outcome.variants.default;
  if (!variant) {
    throw new Error(`card template ${template.ruleId} has no variant "${finding.variant}" for outcome "${finding.outcome}"`);
  }
  const r = new CardRenderer(opts, template, finding);
  const title = opts.ruleTitles?.[template.ruleId] ?? template.title[opts.locale];
  const topicCode = finding.outcome === 'not-evaluable' ? `${template.ruleId}.not-evaluable` : template.ruleId;

  const card: Card = {
    uuid: randomUUID(),
    summary: r.summary(variant.summary),
    detail: r.detail(variant.detail),
    indicator,
    source: r.source(topicCode, title),
  };
  if (card.detail === '') delete card.detail;

  const suggestions = (finding.suggestions ?? [])
    .map((s) => r.suggestion(s))
    .filter((s): s is Suggestion => s !== undefined);
  if (suggestions.length > 0) {
    card.suggestions = suggestions;
    card.selectionBehavior = 'any';
  }
  const reasons = r.overrideReasons();
  if (reasons.length > 0) card.overrideReasons = reasons;
  return card;
}

const FRAGMENT_SEPARATOR = ' · ';

function mergedTemplate(opts: RenderOptions, kind: MergedPlan['merged']): CardTemplate {
  const t = opts.templates.get(`merged.${kind}`);
  if (!t) throw new Error(`no card template merged.${kind}`);
  return t;
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Joins whole parts into at most `max` characters; parts that do not fit are counted in `more`. */
function joinWhole(parts: string[], sep: string, max: number, more: (n: number) => string): string {
  for (let n = parts.length; n > 0; n--) {
    const head = parts.slice(0, n).join(sep);
    const text = n === parts.length ? head : `${head} ${more(parts.length - n)}`;
    if (text.length <= max) return text;
  }
  return parts.length > 0 ? more(parts.length) : '';
}

/** One card for several rules: the first rule's topic and source, every rule in the extension. */
function renderMerged(plan: MergedPlan, opts: RenderOptions): Card {
  const { locale } = opts;
  const mt = mergedTemplate(opts, plan.merged);
  const label = (key: string): string | undefined => mt.labels?.[key]?.[locale];
  const fillText = (text: string, params: Record<string, string | number>): string =>
    text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_m, name: string) => {
      const v = params[name];
      return v === undefined ? UNFILLED : typeof v === 'number' ? formatNumber(v, locale) : v;
    });
  const elsewhere = label('asked-above') ?? '';

  const renderers = plan.groups.map((group) => {
    const dropped = plan.notAskedHere.get(group);
    const finding = dropped ? { ...group.finding, missing: group.finding.missing.filter((m) => !dropped.has(itemKeyOf(m))) } : group.finding;
    return { group, finding, r: new CardRenderer(opts, group.template, finding, elsewhere) };
  });
  const variantOf = (g: Group) => g.outcome.variants[g.finding.variant] ?? g.outcome.variants.default;
  const subSummary = ({ group, r }: (typeof renderers)[number]): string => {
    const v = variantOf(group);
    return v ? r.summary(v.summary) : group.template.title[locale];
  };

  // Summary.
  const frame = (mt.outcomes.fired?.variants.default?.summary ?? { nb: '{items}', en: '{items}' })[locale];
  const budget = MAX_SUMMARY_LENGTH - fillText(frame, { items: '' }).length;
  let summary: string;
  if (plan.merged === 'overview') {
    const fragments: string[] = [];
    const gaps: string[] = [];
    for (const { group, finding } of renderers) {
      const ruleId = group.template.ruleId;
      const title = opts.ruleTitles?.[ruleId] ?? group.template.title[locale];
      if (plan.baselineGaps.has(group)) {
        const gap = label(`gap:${ruleId}`) ?? title;
        if (!gaps.includes(gap)) gaps.push(gap);
        continue;
      }
      const text = finding.outcome === 'not-evaluable' ? undefined : (label(`${ruleId}:${finding.variant}`) ?? label(ruleId));
      fragments.push(text ? fillText(text, { ...finding.params, variant: finding.variant }) : title);
    }
    if (gaps.length > 0) fragments.push(fillText(label('gaps') ?? '{list}', { list: gaps.join(', ') }));
    const items = joinWhole(fragments, FRAGMENT_SEPARATOR, budget, (n) => `+${n}`);
    summary = capitalise(fillText(frame, { items }));
  } else if (plan.merged === 'todo' && plan.asks.length > 0) {
    const names: string[] = [];
    for (const key of plan.asks) {
      const owner = renderers.find(({ finding }) => finding.missing.some((m) => itemKeyOf(m) === key));
      const id = owner?.finding.missing.find((m) => itemKeyOf(m) === key) ?? key;
      names.push(label(`item:${key}`) ?? inSentence(owner ? owner.r.labelOf(id) : key));
    }
    const more = label('more') ?? '+{count}';
    summary = fillText(frame, { items: joinWhole(names, ', ', budget, (n) => fillText(more, { count: n })) });
  } else {
    const summaries = renderers.map(subSummary);
    const all = summaries.join('; ');
    if (all.length <= MAX_SUMMARY_LENGTH) summary = all;
    else {
      const titles = plan.groups.slice(1).map((g) => opts.ruleTitles?.[g.template.ruleId] ?? g.template.title[locale]);
      const suffix = (n: number) => ` (+${n})`;
      const first = summaries[0] ?? '';
      const tail = joinWhole(titles, ', ', MAX_SUMMARY_LENGTH - first.length - 6, (n) => `+${n}`);
      summary = first.length + tail.length + 4 <= MAX_SUMMARY_LENGTH && tail ? `${first} (${tail})` : truncateSummary(`${first}${suffix(titles.length)}`);
    }
  }

  // Detail: the merged card's own note, then every rule under its own heading.
  const blocks: string[] = [];
  const intro = mt.outcomes.fired?.variants.default?.detail?.[locale];
  if (intro && plan.merged !== 'area') blocks.push(intro);
  for (const entry of renderers) {
    const title = opts.ruleTitles?.[entry.group.template.ruleId] ?? entry.group.template.title[locale];
    const parts = [`### ${escapeMarkdown(title)}`, `**${escapeMarkdown(subSummary(entry))}**`];
    if (plan.baselineGaps.has(entry.group)) parts.push(`_${label('not-asked-baseline') ?? opts.templates.get('merged.todo')?.labels?.['not-asked-baseline']?.[locale] ?? ''}_`);
    const detail = entry.r.detail(variantOf(entry.group)?.detail);
    if (detail) parts.push(detail);
    blocks.push(parts.join('\n\n'));
  }

  const first = renderers[0];
  if (!first) throw new Error('empty merged card');
  const firstTitle = opts.ruleTitles?.[first.group.template.ruleId] ?? first.group.template.title[locale];
  const card: Card = {
    uuid: randomUUID(),
    summary: truncateSummary(summary),
    detail: blocks.join('\n\n'),
    indicator: 'info',
    source: first.r.source(topicCode(first.group), firstTitle),
    extension: { [MERGED_RULES_EXTENSION]: planCodes(plan) },
  };

  // Suggestions: one per datum, none for data another card asks for or that can no longer be taken.
  const seen = new Set<string>();
  const suggestions: Suggestion[] = [];
  for (const { group, r } of renderers) {
    if (plan.baselineGaps.has(group)) continue;
    const dropped = plan.notAskedHere.get(group);
    for (const request of group.finding.suggestions ?? []) {
      const item = suggestionItem(request.template, request.params);
      if (dropped?.has(item)) continue;
      const key = group.finding.missing.some((m) => itemKeyOf(m) === item) || request.params?.concept ? item : `${group.template.ruleId}|${suggestionKey(request)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const s = r.suggestion(request);
      if (s) suggestions.push(s);
    }
  }
  if (suggestions.length > 0) {
    card.suggestions = suggestions;
    card.selectionBehavior = 'any';
  }
  const reasons = uniqueBy(renderers.flatMap(({ r }) => r.overrideReasons()), (c) => c.code);
  if (reasons.length > 0) card.overrideReasons = reasons;
  return card;
}

/** The cards `renderCards` would show with `merge`, before wording (for the signal budget test). */
export function planSidebar(findings: Finding[], templates: CardTemplates, merge: MergeOptions): CardPlan[] {
  return planCards(groupFindings(findings, templates), merge);
}

/**
 * One card per (rule, outcome, subject), duplicates merged; critical first, then warning, then
 * info, in finding order within an indicator. With `merge` (patient-view), info cards about the
 * patient are merged as src/cards/merge.ts says.
 */
export function renderCards(findings: Finding[], opts: RenderOptions): Card[] {
  const groups = groupFindings(findings, opts.templates);
  if (opts.merge) {
    return planCards(groups, opts.merge).map((plan) => {
      if (plan.kind === 'single') return renderGroup(plan.group, opts);
      const only = plan.groups[0];
      // A card that stands for one rule and gives up nothing reads exactly as that rule's card.
      if (plan.groups.length === 1 && only && plan.notAskedHere.size === 0 && plan.baselineGaps.size === 0) return renderGroup(only, opts);
      return renderMerged(plan, opts);
    });
  }
  const ordered = groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => SEVERITY[a.g.indicator] - SEVERITY[b.g.indicator] || a.i - b.i)
    .map(({ g }) => g);
  return ordered.map((g) => renderGroup(g, opts));
}
