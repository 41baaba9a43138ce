import type { EvaluationContext, Finding, MedicationEntry, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { draftsWith, CURRENT_STATUSES } from '../support/medications.js';
import { DAY_MS, isValidDate, isoDate } from '../support/time.js';
import { assessProgression } from './progression-biochemical.js';
import { assessClinicalRelapse } from './relapse-clinical.js';
import { ANTI_MYELOMA, antiMyelomaExposures, inResponseScope, qualitativeResults } from './context.js';

// Catalogue A.5 `refractory-60-days`, seed [003] «Andrelinjebehandling»: «Med refraktær menes at
// pasienten har hatt progresjon under behandling med eller innen 60 dager etter seponering av et
// medikament eller regime.»

export const RULE_ID = 'refractory-60-days';

/** «innen 60 dager etter seponering» (inclusive, proposal). */
export const REFRACTORY_WINDOW_DAYS = 60;
export const RECORDED_PROGRESSION = 'obs:myeloma-progression';

export type DrugStatus = 'refractory' | 'exposed' | 'unknown';

export interface DrugExposure {
  /** Drug concept id (`drug:lenalidomide`). */
  drug: string;
  display: string;
  first?: Date;
  /** Last dose; undefined while the drug is still being given (`ongoing`). */
  last?: Date;
  ongoing: boolean;
  status: DrugStatus;
}

export interface ProgressionEvent {
  date: Date;
  kind: 'biochemical' | 'clinical' | 'recorded';
}

/** Progression dates: this service's own PD and clinical relapse findings, and a clinician-recorded progression. */
export function progressionEvents(snapshot: PatientSnapshot, now: Date): ProgressionEvent[] {
  const out: ProgressionEvent[] = [];
  const pd = assessProgression(snapshot, now);
  if (pd.pd && pd.date) out.push({ date: pd.date, kind: 'biochemical' });
  const clinical = assessClinicalRelapse(snapshot, now);
  // A CRAB worsening without clonal progression is not a progression («… må utredes med tanke på andre årsaker»).
  if (clinical.confirmed.length > 0 && clinical.date) out.push({ date: clinical.date, kind: 'clinical' });
  for (const r of qualitativeResults(snapshot, RECORDED_PROGRESSION, now)) if (r.result === 'positive') out.push({ date: r.date, kind: 'recorded' });
  return out.sort((a, b) => a.date.getTime() - b.date.getTime());
}

function drugConcept(m: MedicationEntry): string | undefined {
  return m.concepts.find((c) => c.startsWith('drug:'));
}

/** Exposure period per anti-myeloma drug: first dose/prescription, last administration, still current. */
export function exposures(snapshot: PatientSnapshot, now: Date): DrugExposure[] {
  const byDrug = new Map<string, { display: string; entries: MedicationEntry[] }>();
  for (const m of antiMyelomaExposures(snapshot)) {
    const drug = drugConcept(m);
    if (!drug) continue;
    const slot = byDrug.get(drug) ?? { display: m.display, entries: [] };
    slot.entries.push(m);
    byDrug.set(drug, slot);
  }
  const out: DrugExposure[] = [];
  for (const [drug, { display, entries }] of byDrug) {
    let first: Date | undefined;
    let lastAdministration: Date | undefined;
    for (const e of entries) {
      for (const d of [e.date, e.occurredAt].filter(isValidDate)) {
        if (d.getTime() > now.getTime()) continue;
        if (!first || d.getTime() < first.getTime()) first = d;
        // An administration is a dose; a finished statement's period end (later than its start) is
        // the last dose taken. A statement with one date does not say when the drug was stopped.
        const isDose =
          e.source === 'MedicationAdministration' ||
          (e.source === 'MedicationStatement' && d === e.occurredAt && e.date !== undefined && d.getTime() > e.date.getTime());
        if (isDose && (!lastAdministration || d.getTime() > lastAdministration.getTime())) lastAdministration = d;
      }
    }
    const ongoing = entries.some((e) => e.source !== 'MedicationAdministration' && e.status !== undefined && CURRENT_STATUSES.has(e.status));
    out.push({ drug, display, ...(first ? { first } : {}), ...(!ongoing && lastAdministration ? { last: lastAdministration } : {}), ongoing, status: 'unknown' });
  }
  return out.sort((a, b) => a.drug.localeCompare(b.drug));
}

/** Refractory = a progression between the first dose and the last dose + 60 days (both inclusive). */
export function classifyExposure(e: DrugExposure, events: ProgressionEvent[]): DrugStatus {
  if (!e.first) return 'unknown';
  const first = e.first;
  if (!e.ongoing && !e.last) return 'unknown';
  const end = e.ongoing ? Infinity : (e.last as Date).getTime() + REFRACTORY_WINDOW_DAYS * DAY_MS;
  // Compare by calendar day so that «innen 60 dager» does not depend on the hour of the sample.
  const day = (d: Date): number => Date.parse(isoDate(d));
  const hit = events.some((p) => day(p.date) >= day(first) && day(p.date) <= (end === Infinity ? Infinity : day(new Date(end))));
  return hit ? 'refractory' : 'exposed';
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inResponseScope(snapshot)) return [];
  const events = progressionEvents(snapshot, ctx.now);
  // No progression documented: the patient is not at relapse and there is nothing to classify.
  if (events.length === 0) return [];
  const drugs = exposures(snapshot, ctx.now).map((e) => ({ ...e, status: classifyExposure(e, events) }));
  if (drugs.length === 0) return [];
  const refractory = drugs.filter((d) => d.status === 'refractory');
  const unknown = drugs.filter((d) => d.status === 'unknown');
  const exposed = drugs.filter((d) => d.status === 'exposed');
  const values: UsedValue[] = [
    ...events.map((e) => ({ concept: `progression-${e.kind}`, value: isoDate(e.date), date: e.date })),
    ...drugs.map((d) => ({ concept: d.drug, value: d.status === 'refractory' ? 'refractory' : d.status === 'exposed' ? 'exposed, not refractory' : 'unknown (stop date)', ...(d.last ? { date: d.last } : {}) })),
  ];
  const names = (list: typeof drugs): string => list.map((d) => d.display).join(', ');
  const params: Record<string, string> = {
    drugs: names(refractory),
    exposed: exposed.length ? names(exposed) : '—',
    ...(unknown.length ? { unknown: names(unknown) } : {}),
  };
  let finding: Omit<Finding, 'subject'>;
  if (refractory.length > 0) {
    finding = { ruleId: RULE_ID, outcome: 'fired', variant: unknown.length ? 'with-unknown' : 'default', params, values, missing: [], criteriaMet: ['refractory'] };
  } else if (unknown.length > 0) {
    // «stop date or progression date unknown → status "unknown" for that drug» (MD-info).
    finding = { ruleId: RULE_ID, outcome: 'not-evaluable', variant: 'default', params, values, missing: unknown.map((d) => d.drug) };
  } else {
    finding = { ruleId: RULE_ID, outcome: 'fired', variant: 'none', params: { exposed: names(exposed) }, values, missing: [], criteriaNotMet: ['refractory'] };
  }
  if (ctx.hook === 'patient-view') return [{ ...finding, subject: 'patient' }];
  return draftsWith(snapshot, ANTI_MYELOMA, true).map((d) => ({ ...finding, subject: d.ref }));
}

export const refractory60Days: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations'],
  evaluate,
};
