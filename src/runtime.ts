import type { Logger } from 'pino';
import { decideAuth, type Config } from './config.js';
import { createApp } from './app.js';
import type { AppDeps } from './app-deps.js';
import { buildServices } from './services.js';
import { loadTerminology } from './clinical/terminology/concepts.js';
import { allRules } from './clinical/rules/index.js';
import { citedSections, loadCardTemplates } from './cards/templates.js';
import { sectionSlug } from './cards/render.js';
import { createStorage } from './storage/index.js';
import type { Storage } from './storage/types.js';
import { AuditWriter } from './storage/audit-writer.js';
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
}

export async function createRuntime(config: Config, opts: RuntimeOptions): Promise<Runtime> {
  const { logger } = opts;
  const clients = loadTrustedClients(config.trustedClientsFile);
  const auth = decideAuth(config, clients.length);
  if (auth.warning) logger.warn({ event: 'startup.auth-warning' }, `!!! ${auth.warning} !!!`);

  const terminology = loadTerminology(config.terminologyFile);
  const templates = loadCardTemplates();
  const missingTemplates = allRules.map((r) => r.id).filter((id) => !templates.get(id));
  if (missingTemplates.length > 0) throw new Error(`card templates missing for rules: ${missingTemplates.join(', ')}`);
  if (!templates.get('service.data-unavailable')) throw new Error('card template missing: service.data-unavailable');

  const storage =
    opts.storage ??
    (await createStorage({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      dataDir: config.dataDir,
      transactionTimeoutMs: config.dbTransactionTimeoutMs,
      ...(opts.memoryStorage ? { memory: true } : {}),
      ...(opts.pgSchema ? { pgSchema: opts.pgSchema } : {}),
    }));
  const pseudonymSecret = config.pseudonymSecret ?? (await storage.getOrCreateSecret('patient-pseudonym'));
  const metrics = opts.metrics ?? createMetrics();
  const services = buildServices(allRules, terminology);
  const authenticator = auth.enforced
    ? createAuthenticator({ clients, algorithms: config.jwtAlgorithms, replay: storage })
    : undefined;
  const auditWriter = new AuditWriter(storage, metrics, logger);

  const sectionsByDocument = citedSections(templates);

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
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    async close() {
      await auditWriter.drain(5000);
      if (!opts.storage) await storage.close();
    },
  };
}
