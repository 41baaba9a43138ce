import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createRuntime } from '../src/runtime.js';
import { draftBundle, type DraftSpec, type Hook, type Scenarios } from '../test/support/scenarios.js';

// Replays every hook call of fixtures/scenarios.json against a FHIR server holding the synthetic
// patients, WITHOUT prefetch: the service fetches each chart through its FHIR fallback, as it does
// for an EHR that sends no prefetch. The service runs in this process (real storage in memory, real
// rules and cards) and is called over a real socket; its clock is the day the charts are current
// at, so the answer does not depend on the day the test runs.

const SERVICE: Record<Hook, string> = { 'patient-view': 'heme-patient-view', 'order-select': 'heme-order-select', 'order-sign': 'heme-order-sign' };
const DAY_MS = 86_400_000;

export interface IntegrationRow {
  patient: string;
  hook: Hook;
  drafts: string;
  expected: string[];
  got: string[];
  ok: boolean;
  /** Set when the call itself failed (HTTP status other than 200, network). */
  error?: string;
}

export interface IntegrationOptions {
  fhirBase: string;
  scenarios: Scenarios;
  /** The day the server's charts are current at; the service's clock. */
  asOf: Date;
  /** CDS_DEADLINE_MS for the service: a real server's first searches can be slow. */
  deadlineMs?: number;
  /** Calls at once. */
  concurrency?: number;
}

/** Moves a draft's date by whole days, when the charts were moved from the scenarios' reference date. */
function shiftDate(value: string, days: number): string {
  if (days === 0) return value;
  const shifted = new Date(new Date(value).getTime() + days * DAY_MS).toISOString();
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? shifted.slice(0, 10) : shifted;
}

function describeDrafts(drafts: readonly DraftSpec[]): string {
  return drafts.map((d) => d.text + (d.dose ? ` ${d.dose.value} ${d.dose.unit}` : '') + (d.date ? ` ${d.date}` : '')).join(', ');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return (server.address() as AddressInfo).port;
}

export async function runIntegration(opts: IntegrationOptions): Promise<IntegrationRow[]> {
  const days = Math.round((opts.asOf.getTime() - new Date(opts.scenarios.now).getTime()) / DAY_MS);
  const now = shiftDate(opts.scenarios.now, days);
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DEMO_FHIR: 'off',
    LOG_LEVEL: 'error',
    CDS_DEADLINE_MS: String(opts.deadlineMs ?? 10_000),
  });
  const runtime = await createRuntime(config, { logger: createLogger('error'), memoryStorage: true, clock: () => opts.asOf });
  const server = runtime.app.listen(0, '127.0.0.1');
  try {
    const port = await listen(server);
    const calls = Object.entries(opts.scenarios.patients).flatMap(([patient, p]) => p.calls.map((call) => ({ patient, call })));
    const rows: IntegrationRow[] = new Array<IntegrationRow>(calls.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < calls.length; i = next++) {
        const { patient, call } = calls[i]!;
        const drafts = (call.drafts ?? []).map((d) => (d.date ? { ...d, date: shiftDate(d.date, days) } : d));
        const context: Record<string, unknown> = { userId: 'Practitioner/demo-practitioner', patientId: patient };
        if (call.hook !== 'patient-view') {
          const draftOrders = draftBundle(drafts, patient, now);
          context.draftOrders = draftOrders;
          if (call.hook === 'order-select') {
            context.selections = (draftOrders.entry as { resource: { resourceType: string; id: string } }[]).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
          }
        }
        const expected = [...call.expect].sort();
        const row: IntegrationRow = { patient, hook: call.hook, drafts: describeDrafts(drafts), expected, got: [], ok: false };
        try {
          const res = await fetch(`http://127.0.0.1:${port}/cds-services/${SERVICE[call.hook]}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ hook: call.hook, hookInstance: randomUUID(), fhirServer: opts.fhirBase, context }),
          });
          const body = (await res.json()) as { cards?: { source: { topic: { code: string } } }[] };
          if (res.status !== 200) row.error = `HTTP ${res.status}`;
          row.got = (body.cards ?? []).map((c) => c.source.topic.code).sort();
        } catch (err) {
          row.error = (err as Error).message;
        }
        row.ok = !row.error && JSON.stringify(row.got) === JSON.stringify(expected);
        rows[i] = row;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    return rows;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.close();
  }
}

/** A plain-text table: one line per call, the differences spelt out. */
export function integrationTable(rows: readonly IntegrationRow[]): string {
  const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  const lines = [`${cell('result', 6)}  ${cell('patient', 34)}  ${cell('hook', 12)}  ${cell('draft orders', 34)}  cards (topic codes)`];
  for (const r of rows) {
    const missing = r.expected.filter((c) => !r.got.includes(c));
    const extra = r.got.filter((c) => !r.expected.includes(c));
    const cards = r.ok
      ? r.got.join(', ') || '(no card)'
      : [r.error ? `error: ${r.error}` : '', missing.length ? `missing: ${missing.join(', ')}` : '', extra.length ? `unexpected: ${extra.join(', ')}` : '']
          .filter(Boolean)
          .join('; ');
    lines.push(`${cell(r.ok ? 'ok' : 'DIFF', 6)}  ${cell(r.patient, 34)}  ${cell(r.hook, 12)}  ${cell(r.drafts || '-', 34)}  ${cards}`);
  }
  const failed = rows.filter((r) => !r.ok).length;
  lines.push('', `${rows.length - failed} passed, ${failed} failed`);
  return lines.join('\n');
}
