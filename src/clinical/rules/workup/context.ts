import type { CodedObservation, PatientSnapshot, ProcedureEntry, UsedValue } from '../../types.js';
import { DAY_MS, isValidDate } from '../support/time.js';
import { clinicalDate } from '../../day.js';

// Record readers shared by workup-level, pcd-igm-myeloma-vs-waldenstrom and followup-smm-plasmacytoma:
// the M-protein isotype, yes/no clinician and lab flags, and examinations done or ordered. The concepts
// live in terminology/concepts.workup.json (local codes; a site maps its own).

export const ISOTYPE = 'obs:mprotein-isotype';
export type HeavyChain = 'IgG' | 'IgA' | 'IgM';
export type LightChain = 'kappa' | 'lambda';

const HEAVY: Readonly<Record<string, HeavyChain>> = {
  'answer:isotype-igg': 'IgG',
  'answer:isotype-iga': 'IgA',
  'answer:isotype-igm': 'IgM',
};
const LIGHT: Readonly<Record<string, LightChain>> = { 'answer:isotype-kappa': 'kappa', 'answer:isotype-lambda': 'lambda' };

export interface Isotype {
  heavy: HeavyChain[];
  light: LightChain[];
  observations: CodedObservation[];
}

/**
 * The newest typing up to `now`. Heavy and light chain may come as two codings or as two
 * Observations of the same day, so every report of that calendar day (UTC) is joined. Undefined when
 * there is no typing with a recognised chain (an IgD typing is not one of the answers yet).
 */
export function readIsotype(snapshot: PatientSnapshot, now: Date): Isotype | undefined {
  const reports = (snapshot.codedObservations[ISOTYPE] ?? []).filter(
    (o) => isValidDate(o.effective) && o.effective.getTime() <= now.getTime() && o.valueConcepts.some((v) => HEAVY[v] || LIGHT[v]),
  );
  const newest = reports[0];
  if (!newest) return undefined;
  const day = clinicalDate(newest.effective);
  const sameDay = reports.filter((o) => clinicalDate(o.effective) === day);
  const values = new Set(sameDay.flatMap((o) => o.valueConcepts));
  const heavy = [...new Set([...values].map((v) => HEAVY[v]).filter((h): h is HeavyChain => h !== undefined))];
  const light = [...new Set([...values].map((v) => LIGHT[v]).filter((l): l is LightChain => l !== undefined))];
  return { heavy, light, observations: sameDay };
}

export function isotypeText(i: Isotype): string {
  return [...i.heavy, ...i.light].join(' ');
}

export function usedIsotype(i: Isotype): UsedValue {
  const o = i.observations[0] as CodedObservation;
  return { concept: ISOTYPE, value: isotypeText(i), date: o.effective, source: o.source };
}

/** The one involved light chain the typing names; undefined when none or both (biclonal). */
export function involvedChain(i: Isotype | undefined): LightChain | undefined {
  return i && i.light.length === 1 ? i.light[0] : undefined;
}

const YES = new Set(['answer:present', 'answer:positive']);
const NO = new Set(['answer:absent', 'answer:negative']);

export interface Flag {
  value: boolean;
  observation: CodedObservation;
}

/** A yes/no observation: the newest report up to `now` that gives an answer (a clinician's flag can be withdrawn). */
export function latestFlag(snapshot: PatientSnapshot, concept: string, now: Date): Flag | undefined {
  for (const o of snapshot.codedObservations[concept] ?? []) {
    if (!isValidDate(o.effective) || o.effective.getTime() > now.getTime()) continue;
    if (o.valueConcepts.some((v) => YES.has(v))) return { value: true, observation: o };
    if (o.valueConcepts.some((v) => NO.has(v))) return { value: false, observation: o };
  }
  return undefined;
}

/** A lab finding that does not go away (a mutation): any positive report wins over negative ones. */
export function everPositive(snapshot: PatientSnapshot, concept: string, now: Date): Flag | undefined {
  const reports = (snapshot.codedObservations[concept] ?? []).filter((o) => isValidDate(o.effective) && o.effective.getTime() <= now.getTime());
  const yes = reports.find((o) => o.valueConcepts.some((v) => YES.has(v)));
  if (yes) return { value: true, observation: yes };
  const no = reports.find((o) => o.valueConcepts.some((v) => NO.has(v)));
  return no ? { value: false, observation: no } : undefined;
}

export function usedFlag(concept: string, f: Flag, yes: string, no: string): UsedValue {
  return { concept, value: f.value ? yes : no, date: f.observation.effective, source: f.observation.source };
}

/** Statuses that mean an examination was not done or the order was withdrawn. */
const NOT_DONE = new Set(['not-done', 'entered-in-error', 'revoked', 'cancelled', 'stopped']);

/**
 * The newest examination of `concepts` done (Procedure) or ordered (ServiceRequest or draft: the
 * clinician has acted on it), dated on or after `from` (an undated order counts). Undefined when none.
 */
export function examinationSince(snapshot: PatientSnapshot, concepts: readonly string[], from: Date | undefined, now: Date): ProcedureEntry | undefined {
  const drafts = snapshot.draftOrders.map((d) => d.procedure).filter((p): p is ProcedureEntry => p !== undefined);
  let best: ProcedureEntry | undefined;
  for (const p of [...snapshot.procedures, ...drafts]) {
    if (!p.concepts.some((c) => concepts.includes(c))) continue;
    if (p.status !== undefined && NOT_DONE.has(p.status)) continue;
    const date = isValidDate(p.date) ? p.date : undefined;
    if (p.source === 'Procedure') {
      // A Procedure needs a date to count for an interval; a future one is not done yet.
      if (!date || date.getTime() > now.getTime() + DAY_MS) continue;
    }
    if (date && from && date.getTime() < from.getTime()) continue;
    if (!best || (date && (!best.date || date.getTime() > best.date.getTime()))) best = p;
  }
  return best;
}

export function usedExamination(p: ProcedureEntry, concept: string): UsedValue {
  const [resourceType = p.ref, id] = p.ref.split('/');
  return { concept, value: p.display, ...(p.date ? { date: p.date } : {}), source: id ? { resourceType, id } : { resourceType } };
}

/** Any coded observation of `concepts` with an answer, dated on or after `from`, up to `now`. */
export function resultSince(snapshot: PatientSnapshot, concepts: readonly string[], from: Date | undefined, now: Date): CodedObservation | undefined {
  for (const concept of concepts) {
    const hit = (snapshot.codedObservations[concept] ?? []).find(
      (o) => isValidDate(o.effective) && o.effective.getTime() <= now.getTime() && (!from || o.effective.getTime() >= from.getTime()) && o.valueConcepts.length > 0,
    );
    if (hit) return hit;
  }
  return undefined;
}
