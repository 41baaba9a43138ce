import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

// One registry per app instance so tests can build several apps in one process.
export interface Metrics {
  registry: Registry;
  requests: Counter<'service' | 'status'>;
  latency: Histogram<'service' | 'status'>;
  cards: Counter<'rule' | 'indicator'>;
  fhirFallback: Counter<'outcome'>;
  timeouts: Counter<'stage'>;
  auditWrites: Counter<'outcome'>;
  auditQueue: Gauge;
  authFailures: Counter;
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'heme_cds_' });
  return {
    registry,
    requests: new Counter({
      name: 'heme_cds_requests_total',
      help: 'CDS Hooks requests by service id (or route) and HTTP status',
      labelNames: ['service', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'heme_cds_request_duration_seconds',
      help: 'Request latency by service id and HTTP status',
      labelNames: ['service', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    cards: new Counter({
      name: 'heme_cds_cards_total',
      help: 'Cards returned by rule id (topic code) and indicator',
      labelNames: ['rule', 'indicator'],
      registers: [registry],
    }),
    fhirFallback: new Counter({
      name: 'heme_cds_fhir_fallback_requests_total',
      help: "Queries sent to the client's FHIR server for missing prefetch, by outcome",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    timeouts: new Counter({
      name: 'heme_cds_timeouts_total',
      help: 'Deadline or per-request timeouts by stage',
      labelNames: ['stage'],
      registers: [registry],
    }),
    auditWrites: new Counter({
      name: 'heme_cds_audit_writes_total',
      help: 'Audit records written (ok), dropped from a full queue (dropped), refused by the database and set aside (rejected), and failed write attempts (retry)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    auditQueue: new Gauge({
      name: 'heme_cds_audit_queue_length',
      help: 'Audit records waiting to be written',
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'heme_cds_auth_failures_total',
      help: 'Rejected JWTs',
      registers: [registry],
    }),
  };
}
