import type { Finding, Indicator } from '../clinical/types.js';
import type { CardTemplate, OutcomeTemplate } from './templates.js';

// Sidebar economy (contract item 9): on patient-view, the info findings about the patient are shown
// as few cards as a clinician reads them: one overview (classification, stage, risk, measurable
// disease, response), one card for what the work-up still misses, and one card per other clinical
// question (AREA_CLUSTERS: the treatment pathway, infection prevention, bone disease, follow-up). Warning and critical findings, and findings about a draft order, keep a card of their own.
// Each missing datum is asked for once per chart (on the first card that needs it), and data of
// the time of diagnosis are no longer asked for once they cannot be taken (see clinical/baseline.ts).
// The rule findings themselves are untouched: this module only decides which card shows them.

export interface CardGroup {
  finding: Finding;
  indicator: Indicator;
  template: CardTemplate;
  outcome: OutcomeTemplate;
}

export type MergedKind = 'overview' | 'todo' | 'area';

export interface SinglePlan {
  kind: 'single';
  group: CardGroup;
  /** Missing data (item keys) this card asks for. */
  asks: string[];
}

export interface MergedPlan {
  kind: 'merged';
  merged: MergedKind;
  /** In catalogue order; the first gives the card its topic code and source. */
  groups: CardGroup[];
  asks: string[];
  /** Item keys of each group that another card (or nobody, for baseline data) asks for instead. */
  notAskedHere: Map<CardGroup, Set<string>>;
  /** Groups whose missing data are of the time of diagnosis and can no longer be taken. */
  baselineGaps: Set<CardGroup>;
}

export type CardPlan = SinglePlan | MergedPlan;

export interface MergeOptions {
  /** Treatment started or the diagnosis is past the staging window (clinical/baseline.ts). */
  baselineClosed: boolean;
}

/** Areas (cards/<area>/) whose fired info findings make up the overview card. */
const OVERVIEW_AREAS = new Set(['classification', 'staging', 'response']);
/**
 * Areas (cards/<area>/) that answer one clinical question and so share one card per chart: every
 * treatment-pathway finding (first-line, relapse, CAR-T, CML treatment) is one "treatment" card,
 * prophylaxis and vaccination one "infection prevention" card. An area not listed is its own card,
 * so a rule added later is merged with its area.
 */
const AREA_CLUSTERS: Record<string, string> = {
  'first-line': 'treatment',
  relapse: 'treatment',
  'car-t': 'treatment',
  'cml-pregnancy': 'treatment',
  prophylaxis: 'infection',
  vaccination: 'infection',
};
/** Rules whose findings are the work-up question, besides the workup area itself. */
const TODO_RULES = new Set(['pcd-al-amyloid-screen', 'pcd-igm-myeloma-vs-waldenstrom']);
/** Cards that are never merged (service messages). */
const UNMERGED_AREAS = new Set(['service', 'merged']);
/** Findings that only ask for data of the time of diagnosis (rule id, and variant when it matters). */
const BASELINE_NOT_EVALUABLE = new Set(['stage-iss', 'stage-riss', 'risk-ims-imwg-2024', 'response-measurable-disease']);
const BASELINE_FIRED = new Set(['fish-iss-all-patients:default']);

/** Missing items that are values before treatment (e.g. `serum-m-baseline`). */
const BASELINE_ITEM = /-baseline$/;

const SEVERITY: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };

/**
 * One key per datum a clinician would order once: every FISH lesion and TP53 come from one marrow
 * FISH/TP53 analysis, so they are one item.
 */
export function itemKey(missingId: string): string {
  return /^(fish$|fish[:-]|tp53)/.test(missingId) ? 'fish' : missingId;
}

/** The item a suggestion orders (its concept, else its template name without `order-`). */
export function suggestionItem(template: string, params: Record<string, string> | undefined): string {
  return itemKey(params?.concept ?? template.replace(/^order-/, ''));
}

export function topicCode(group: CardGroup): string {
  return group.finding.outcome === 'not-evaluable' ? `${group.template.ruleId}.not-evaluable` : group.template.ruleId;
}

function isBaselineGap(group: CardGroup): boolean {
  const { ruleId, outcome, variant } = group.finding;
  return outcome === 'not-evaluable' ? BASELINE_NOT_EVALUABLE.has(ruleId) : BASELINE_FIRED.has(`${ruleId}:${variant}`);
}

function clusterOf(group: CardGroup, opts: MergeOptions): string | undefined {
  const area = group.template.area;
  if (group.indicator !== 'info' || group.finding.subject !== 'patient' || !area || UNMERGED_AREAS.has(area)) return undefined;
  if (opts.baselineClosed && isBaselineGap(group)) return 'overview';
  if (TODO_RULES.has(group.finding.ruleId) || area === 'workup') return 'todo';
  if (OVERVIEW_AREAS.has(area)) return group.finding.outcome === 'fired' ? 'overview' : 'todo';
  return `area:${AREA_CLUSTERS[area] ?? area}`;
}

function missingKeys(group: CardGroup): string[] {
  return [...new Set(group.finding.missing.map(itemKey))];
}

/**
 * Groups (one per rule, outcome and subject, in finding order) -> the cards to show, critical
 * first, then warning, then info, each in the order its first finding came.
 */
export function planCards(groups: CardGroup[], opts: MergeOptions): CardPlan[] {
  const positioned: { plan: CardPlan; index: number; severity: number }[] = [];
  const clusters = new Map<string, MergedPlan>();
  groups.forEach((group, index) => {
    const cluster = clusterOf(group, opts);
    if (cluster === undefined) {
      positioned.push({ plan: { kind: 'single', group, asks: [] }, index, severity: SEVERITY[group.indicator] });
      return;
    }
    let plan = clusters.get(cluster);
    if (!plan) {
      const merged: MergedKind = cluster === 'overview' || cluster === 'todo' ? cluster : 'area';
      plan = { kind: 'merged', merged, groups: [], asks: [], notAskedHere: new Map(), baselineGaps: new Set() };
      clusters.set(cluster, plan);
      // The overview leads the info cards: it is what the chart is about.
      positioned.push({ plan, index: cluster === 'overview' ? -1 : index, severity: SEVERITY.info });
    }
    plan.groups.push(group);
    if (opts.baselineClosed && isBaselineGap(group)) plan.baselineGaps.add(group);
  });
  const plans = positioned.sort((a, b) => a.severity - b.severity || a.index - b.index).map((p) => p.plan);

  // Ask for each datum once: the first card that needs it keeps it; a card of its own (warning,
  // critical, draft order) always says all it needs.
  const asked = new Set<string>();
  for (const plan of plans) {
    if (plan.kind === 'single') {
      plan.asks = missingKeys(plan.group);
      plan.asks.forEach((k) => asked.add(k));
      continue;
    }
    const asks: string[] = [];
    for (const group of plan.groups) {
      const dropped = new Set<string>();
      for (const key of missingKeys(group)) {
        const baseline = plan.baselineGaps.has(group) || (opts.baselineClosed && BASELINE_ITEM.test(key));
        if (baseline || (asked.has(key) && !asks.includes(key))) dropped.add(key);
        else if (!asks.includes(key)) asks.push(key);
      }
      if (dropped.size > 0) plan.notAskedHere.set(group, dropped);
    }
    plan.asks = asks;
    asks.forEach((k) => asked.add(k));
  }
  return plans;
}

/** The rule codes a card stands for (contract item 9). */
export function planCodes(plan: CardPlan): string[] {
  return plan.kind === 'single' ? [topicCode(plan.group)] : plan.groups.map(topicCode);
}
