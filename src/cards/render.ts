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
import type { CardTemplate, CardTemplates, LocalizedText, OutcomeTemplate } from './templates.js';
import type { Terminology } from '../clinical/terminology/types.js';
import type { Action, Card, Coding, FhirResourceJson, Source, Suggestion } from './types.js';

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
}

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
};

const UI: Record<Locale, Record<'valuesUsed' | 'criteriaMet' | 'criteriaNotMet' | 'missing' | 'proposal' | 'source', string>> = {
  nb: {
    valuesUsed: 'Verdier brukt',
    criteriaMet: 'Kriterier oppfylt',
    criteriaNotMet: 'Kriterier ikke oppfylt',
    missing: 'Mangler',
    proposal: 'Forslag (ikke fra kilden, til faglig godkjenning)',
    source: 'Kilde',
  },
  en: {
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

/** Anchor of a seed section: lowercase ASCII, æ→ae ø→o å→a, other accents dropped, runs of anything else → '-'. */
export function sectionSlug(section: string): string {
  return section
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** At most two decimals, no trailing zeros, decimal comma in Norwegian; no grouping (lab values). */
export function formatNumber(value: number, locale: Locale): string {
  if (!Number.isFinite(value)) return String(value);
  // The nudge keeps 3.495 from rounding down through its binary representation.
  const rounded = Math.round(value * 100 + (value >= 0 ? 1e-9 : -1e-9)) / 100;
  const text = (Object.is(rounded, -0) ? 0 : rounded).toFixed(2).replace(/\.?0+$/, '');
  return locale === 'nb' ? text.replace('.', ',') : text;
}

/** YYYY-MM-DD (UTC); undefined for an invalid date. */
export function formatDate(date: Date): string | undefined {
  return Number.isFinite(date.getTime()) ? date.toISOString().slice(0, 10) : undefined;
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

interface Group {
  finding: Finding;
  indicator: Indicator;
  template: CardTemplate;
  outcome: OutcomeTemplate;
}

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

  private missingList(): string {
    return this.finding.missing.map((m) => this.label(m)).join(', ');
  }

  /** Fills `{name}` from the finding params (numbers in the card locale) and `{missing}`. */
  fill(text: string, markdown: boolean, extra: Record<string, string | number> = {}): string {
    const params: Record<string, string | number> = { ...this.finding.params, ...extra };
    return text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_m, name: string) => {
      let value: string;
      const raw = params[name];
      if (raw !== undefined) value = typeof raw === 'number' ? formatNumber(raw, this.locale) : raw;
      else if (name === 'missing') value = this.missingList();
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
        const value = typeof raw === 'string' ? raw : raw === undefined && name === 'missing' ? this.missingList() : undefined;
        return value === undefined ? undefined : { name, value: clean(value) };
      })
      .filter((p): p is { name: string; value: string } => p !== undefined)
      .sort((a, b) => b.value.length - a.value.length);
    for (const p of shortenable) {
      if (text.length <= MAX_SUMMARY_LENGTH) break;
      const target = Math.max(MIN_SHORTENED_VALUE, p.value.length - (text.length - MAX_SUMMARY_LENGTH));
      overrides[p.name] = truncateSummary(p.value, target);
      text = clean(this.fill(template, false, overrides));
    }
    return truncateSummary(text);
  }

  private valueLine(v: UsedValue): string {
    const value = typeof v.value === 'number' ? formatNumber(v.value, this.locale) : escapeMarkdown(v.value);
    const notes: string[] = [];
    const date = v.date ? formatDate(v.date) : undefined;
    if (date) notes.push(date);
    if (v.source) notes.push(escapeMarkdown(v.source.id ? `${v.source.resourceType}/${v.source.id}` : v.source.resourceType));
    const unit = v.unit ? ` ${escapeMarkdown(v.unit)}` : '';
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
      url: `${base}/${encodeURIComponent(citation.document)}#${sectionSlug(citation.section)}`,
      topic,
    };
  }

  /** Deep copy with every `{name}` in string values filled verbatim (no locale formatting in FHIR data). */
  private fillResource(value: unknown, params: Record<string, string>): unknown {
    if (typeof value === 'string') {
      return value.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_m, name: string) => params[name] ?? UNFILLED);
    }
    if (Array.isArray(value)) return value.map((v) => this.fillResource(v, params));
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

    const suggestion: Suggestion = { label: this.text(st.label, false, extra), uuid: randomUUID() };
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

/**
 * One card per (rule, outcome, subject), duplicates merged; critical first, then warning, then
 * info, in finding order within an indicator.
 */
export function renderCards(findings: Finding[], opts: RenderOptions): Card[] {
  const groups = groupFindings(findings, opts.templates);
  const ordered = groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => SEVERITY[a.g.indicator] - SEVERITY[b.g.indicator] || a.i - b.i)
    .map(({ g }) => g);
  return ordered.map((g) => renderGroup(g, opts));
}
