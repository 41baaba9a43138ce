import type { Queryable } from '../src/storage/executor.js';

// Where the time of a hook call goes, from the audit rows the service writes for every call
// (durations_ms per pipeline stage: auth, validate, prefetch, snapshot, rules, render, total).

export type StageDurations = Record<string, { median: number; p99: number; n: number }>;

export type CallKind = 'patient-view-prefetch' | 'patient-view-fallback' | 'order-sign-prefetch';

const FILTER: Record<CallKind, string> = {
  'patient-view-prefetch': `service_id = 'heme-patient-view' and prefetch_fetched = '[]'::jsonb`,
  'patient-view-fallback': `service_id = 'heme-patient-view' and prefetch_fetched <> '[]'::jsonb`,
  'order-sign-prefetch': `service_id = 'heme-order-sign'`,
};

/** Stage durations of one kind of call, optionally only of calls received within `window`. */
export async function stageDurations(db: Queryable, kind: CallKind, window?: { from: string; to: string }): Promise<StageDurations> {
  const r = await db.query<{ stage: string; median: number; p99: number; n: number | string }>(
    `select key as stage,
            percentile_cont(0.5) within group (order by value::float8) as median,
            percentile_cont(0.99) within group (order by value::float8) as p99,
            count(*) as n
       from audit, jsonb_each_text(durations_ms)
      where ${FILTER[kind]} ${window ? 'and at >= $1 and at <= $2' : ''}
      group by key order by key`,
    window ? [window.from, window.to] : [],
  );
  const out: StageDurations = {};
  for (const row of r.rows) {
    out[row.stage] = { median: Math.round(Number(row.median) * 100) / 100, p99: Math.round(Number(row.p99) * 100) / 100, n: Number(row.n) };
  }
  return out;
}

export async function auditRowCount(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number | string }>('select count(*) as n from audit');
  return Number(r.rows[0]?.n ?? 0);
}
