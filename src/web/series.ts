import type { PatientSnapshot } from '../clinical/types.js';
import type { Terminology } from '../clinical/terminology/types.js';
import type { LocalizedText } from '../cards/templates.js';
import {
  FLC_KAPPA,
  FLC_LAMBDA,
  SERUM_M,
  URINE_M,
  antiMyelomaExposures,
  dflcSeries,
  labSeries,
  therapyStart,
  type Series,
} from '../clinical/rules/response/context.js';
import { classifyResponse } from '../clinical/rules/response/response-category.js';
import { isValidDate, clinicalDay } from '../clinical/rules/support/time.js';

// What the page plots for a patient with response cards: the M-protein and free light chain series
// exactly as the response rules read them (src/clinical/rules/response/context.ts: canonical units,
// baseline and nadir), the anti-myeloma drugs by the day each was first given, and the response
// category the response-category rule gives on each day a value was measured.

export interface PlotPoint {
  date: string;
  value: number;
}

export interface PlotSeries {
  concept: string;
  label: LocalizedText;
  unit: string;
  points: PlotPoint[];
  baseline?: string;
  nadir?: string;
}

export interface ResponseSeries {
  patientId: string;
  now: string;
  therapyStart?: string;
  series: PlotSeries[];
  /** Anti-myeloma drugs grouped by the day each was first given or prescribed. */
  treatments: { date: string; drugs: LocalizedText[] }[];
  /** Category per measurement day from therapy start on; absent category = not decidable that day. */
  categories: { date: string; category?: string }[];
}

const DAY_MS = 86_400_000;

const DFLC_LABEL: LocalizedText = { nb: 'dFLC (involvert − uinvolvert lettkjede)', en: 'dFLC (involved − uninvolved light chain)' };

function plotSeries(series: Series, label: LocalizedText): PlotSeries {
  return {
    concept: series.concept,
    label,
    unit: series.points[0]?.unit ?? '',
    points: series.points.map((p) => ({ date: p.date.toISOString(), value: p.value })),
    ...(series.baseline ? { baseline: series.baseline.date.toISOString() } : {}),
    ...(series.nadir ? { nadir: series.nadir.date.toISOString() } : {}),
  };
}

function treatmentsOf(snapshot: PatientSnapshot, terminology: Terminology, now: Date): ResponseSeries['treatments'] {
  const firstByDrug = new Map<string, Date>();
  for (const m of antiMyelomaExposures(snapshot)) {
    const drug = m.concepts.find((c) => c.startsWith('drug:'));
    if (!drug) continue;
    for (const d of [m.date, m.occurredAt]) {
      if (!isValidDate(d) || d.getTime() > now.getTime()) continue;
      const seen = firstByDrug.get(drug);
      if (!seen || d.getTime() < seen.getTime()) firstByDrug.set(drug, d);
    }
  }
  const byDay = new Map<number, { date: Date; drugs: string[] }>();
  for (const [drug, date] of firstByDrug) {
    const day = clinicalDay(date);
    const entry = byDay.get(day) ?? { date, drugs: [] };
    entry.drugs.push(drug);
    byDay.set(day, entry);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, e]) => ({
      date: e.date.toISOString(),
      drugs: e.drugs.sort().map((id) => ({ nb: terminology.display(id, 'nb'), en: terminology.display(id, 'en') })),
    }));
}

export function responseSeries(snapshot: PatientSnapshot, terminology: Terminology, now: Date): ResponseSeries {
  const start = therapyStart(snapshot, now);
  const label = (id: string): LocalizedText => ({ nb: terminology.display(id, 'nb'), en: terminology.display(id, 'en') });
  const all = [
    plotSeries(labSeries(snapshot, SERUM_M, now, start), label(SERUM_M)),
    plotSeries(labSeries(snapshot, URINE_M, now, start), label(URINE_M)),
    plotSeries(labSeries(snapshot, FLC_KAPPA, now, start), label(FLC_KAPPA)),
    plotSeries(labSeries(snapshot, FLC_LAMBDA, now, start), label(FLC_LAMBDA)),
    plotSeries(dflcSeries(snapshot, now, start), DFLC_LABEL),
  ];
  const series = all.filter((s) => s.points.length > 0);

  // The category as the rule would have given it at the end of each measurement day (or now).
  const days = new Set<number>();
  for (const s of series) for (const p of s.points) days.add(clinicalDay(new Date(p.date)));
  const categories = start
    ? [...days]
        .filter((day) => day >= clinicalDay(start))
        .sort((a, b) => a - b)
        .map((day) => {
          const at = new Date(Math.min((day + 1) * DAY_MS - 1, now.getTime()));
          const category = classifyResponse(snapshot, at)?.category;
          return { date: at.toISOString(), ...(category ? { category } : {}) };
        })
    : [];

  return {
    patientId: snapshot.patientId,
    now: now.toISOString(),
    ...(start ? { therapyStart: start.toISOString() } : {}),
    series,
    treatments: treatmentsOf(snapshot, terminology, now),
    categories,
  };
}
