import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { decideAuth, resolveCorsOrigins, type Config } from './config.js';
import { createApp } from './app.js';
import type { AppDeps } from './app-deps.js';
import { buildServices } from './services.js';
import { loadTerminology } from './clinical/terminology/concepts.js';
import { setClinicalTimeZone } from './clinical/day.js';
import { allRules } from './clinical/rules/index.js';
import { citedAnchors, citedSections, loadCardTemplates } from './cards/templates.js';
import { sectionSlug } from './cards/render.js';
import { createStorage } from './storage/index.js';
import type { Storage } from './storage/types.js';
import { AuditWriter } from './storage/audit-writer.js';
import { startRetention } from './storage/retention.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createAuthenticator, loadTrustedClients } from './protocol/auth.js';

// Builds everything the app needs from a Config, in dependency order, failing fast on any
// misconfiguration (broken card file, bad terminology file, unsafe auth setup) before listening.
export interface Runtime {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  /** Drains the audit queue and closes the database. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Logger;
  /** Tests: in-memory PGlite instead of DATA_DIR / DATABASE_URL. */
  memoryStorage?: boolean;
  /** Tests: an existing storage to share. */
  storage?: Storage;
  pgSchema?: string;
  metrics?: Metrics;
  clock?: () => Date;
  /** The demo FHIR server's base when it runs elsewhere than DEMO_FHIR_PORT on HOST (tests: an ephemeral port). */
  demoFhirBaseUrl?: string;
  /** Start-up progress, for the operator watching the console. */
  progress?: (step: 'database.opening' | 'database.ready') => void;
  /** Tests: how often the retention purge runs (default hourly). */
  purgeIntervalMs?: number;
}

export async function createRuntime(config: Config, opts: RuntimeOptions): Promise<Runtime> {
  const { logger } = opts;
  const clients = loadTrustedClients(config.trustedClientsFile);
  const auth = decideAuth(config, clients.length);
  if (auth.warning) logger.warn({ event: 'startup.auth-warning' }, `!!! ${auth.warning} !!!`);
  resolveCorsOrigins(config, auth.enforced); // a CORS setting unsafe for this mode stops the start here

  // One clinical day for every rule and card date (CDS_TIME_ZONE).
  setClinicalTimeZone(config.timeZone);
  const terminology = loadTerminology(config.terminologyFile);
  const templates = loadCardTemplates();
  const missingTemplates = allRules.map((r) => r.id).filter((id) => !templates.get(id));
  if (missingTemplates.length > 0) throw new Error(`card templates missing for rules: ${missingTemplates.join(', ')}`);
  if (!templates.get('service.data-unavailable')) throw new Error('card template missing: service.data-unavailable');

  if (!opts.storage) opts.progress?.('database.opening');
  const storage =
    opts.storage ??
    (await createStorage({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      dataDir: config.dataDir,
      transactionTimeoutMs: config.dbTransactionTimeoutMs,
      ...(opts.memoryStorage ? { memory: true } : {}),
      ...(opts.pgSchema ? { pgSchema: opts.pgSchema } : {}),
    }));
  if (!opts.storage) opts.progress?.('database.ready');
  // Loopback development without PSEUDONYM_SECRET: a key for this process only (pseudonyms change
  // at each start); loadConfig refuses to start without one anywhere else.
  const pseudonymSecret = config.pseudonymSecret ?? randomBytes(32).toString('hex');
  if (!config.pseudonymSecret) {
    logger.warn({ event: 'startup.pseudonym-warning' }, 'PSEUDONYM_SECRET not set: audit pseudonyms use a key of this process only and change at each start');
  }
  const metrics = opts.metrics ?? createMetrics();
  const services = buildServices(allRules, terminology);
  const authenticator = auth.enforced
    ? createAuthenticator({
        clients,
        algorithms: config.jwtAlgorithms,
        replay: storage,
        clockSkewSeconds: config.clockSkewSeconds,
        maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
        maxAgeSeconds: config.tokenMaxAgeSeconds,
        logger,
      })
    : undefined;
  if (authenticator && !config.metricsToken) {
    logger.warn({ event: 'startup.metrics-closed' }, 'METRICS_TOKEN not set: /metrics answers 401 while authentication is on');
  }
  const auditWriter = new AuditWriter(storage, metrics, logger);

  const sectionsByDocument = citedSections(templates);

  const demoBase = demoFhirBaseUrl(config, opts);
  const deps: AppDeps = {
    config,
    storage,
    services,
    terminology,
    templates,
    ...(authenticator ? { authenticator } : {}),
    logger,
    metrics,
    auditWriter,
    pseudonymSecret,
    clock: opts.clock ?? (() => new Date()),
    citedSections: sectionsByDocument,
    slug: sectionSlug,
    ...(demoBase ? { demoFhirBaseUrl: demoBase } : {}),
    citedAnchors: citedAnchors(templates),
  };
  const app = createApp(deps);
  const retention = startRetention(storage, config, logger, opts.purgeIntervalMs !== undefined ? { intervalMs: opts.purgeIntervalMs } : {});
  return {
    app,
    deps,
    async close() {
      retention.stop();
      await auditWriter.drain(5000);
      if (!opts.storage) await storage.close();
    },
  };
}

/** Where the page's demo patients are read from: the demo FHIR server main.ts starts with this config. */
function demoFhirBaseUrl(config: Config, opts: RuntimeOptions): string | undefined {
  if (opts.demoFhirBaseUrl) return opts.demoFhirBaseUrl;
  if (!config.demoFhir) return undefined;
  // A server listening on every interface is reached on loopback from this process.
  const host = ['0.0.0.0', '::', '[::]'].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.demoFhirPort}/fhir`;
}
